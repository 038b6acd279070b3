package io.outrigger.xds.config;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.outrigger.xds.snapshot.CircuitBreakersSpec;
import io.outrigger.xds.snapshot.OutlierDetectionSpec;
import io.outrigger.xds.snapshot.UpstreamHttpSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A cluster's HTTP options: the upstream protocol from {@code typed_extension_protocol_options}
 * (or the legacy {@code http2_protocol_options} / {@code http_protocol_options}),
 * {@code circuit_breakers} and {@code outlier_detection}.
 */
final class UpstreamHttpDecoder {
    /** The fields of Cluster this decoder reads. */
    static final Set<String> CLUSTER_FIELDS = Set.of("typed_extension_protocol_options", "http2_protocol_options",
            "http_protocol_options", "common_http_protocol_options", "max_requests_per_connection", "circuit_breakers",
            "outlier_detection");
    static final String OPTIONS_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    private static final String OPTIONS_TYPE = MessageTypes.typeUrl(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor());
    private static final Set<String> H2_FIELDS = Set.of("max_concurrent_streams");
    private static final Map<String, String> H2_IGNORED = Map.of(
            "initial_stream_window_size", "upstream HTTP/2 connections use Netty's window sizes",
            "initial_connection_window_size", "upstream HTTP/2 connections use Netty's window sizes",
            "connection_keepalive", "HTTP/2 PING keepalive is not sent",
            "hpack_table_size", "Netty's default table size (4 KiB) is used");
    private static final Set<String> OUTLIER_FIELDS = Set.of("consecutive_5xx", "consecutive_gateway_failure",
            "consecutive_local_origin_failure", "interval", "base_ejection_time", "max_ejection_time",
            "max_ejection_percent", "enforcing_consecutive_5xx", "enforcing_consecutive_gateway_failure",
            "enforcing_consecutive_local_origin_failure", "enforcing_success_rate", "split_external_local_origin_errors");

    private UpstreamHttpDecoder() {
    }

    static UpstreamHttpSpec decode(Cluster c, String path, Problems problems) {
        UpstreamHttpSpec.Protocol protocol = UpstreamHttpSpec.Protocol.HTTP1;
        long maxRequests = c.hasMaxRequestsPerConnection() ? Integer.toUnsignedLong(c.getMaxRequestsPerConnection().getValue()) : 0;
        Duration idle = UpstreamHttpSpec.DEFAULTS.idleTimeout();
        long streams = UpstreamHttpSpec.DEFAULTS.maxConcurrentStreams();
        if (c.hasHttp2ProtocolOptions()) {
            protocol = UpstreamHttpSpec.Protocol.HTTP2;
            streams = h2(c.getHttp2ProtocolOptions(), Problems.path(path, "http2_protocol_options"), problems, streams);
        }
        if (c.hasHttpProtocolOptions()) {
            Supported.check(c.getHttpProtocolOptions(), Problems.path(path, "http_protocol_options"), problems, Set.of());
        }
        if (c.hasCommonHttpProtocolOptions()) {
            var common = common(c.getCommonHttpProtocolOptions(), Problems.path(path, "common_http_protocol_options"), problems);
            idle = common.idle == null ? idle : common.idle;
            maxRequests = common.maxRequests < 0 ? maxRequests : common.maxRequests;
        }
        for (Map.Entry<String, Any> e : c.getTypedExtensionProtocolOptionsMap().entrySet()) {
            String op = Problems.path(path, "typed_extension_protocol_options." + e.getKey());
            if (!e.getValue().getTypeUrl().equals(OPTIONS_TYPE)) {
                problems.error(op, "unsupported protocol options of type " + ListenerDecoder.extensionName(e.getValue())
                        + " (Outrigger implements: " + OPTIONS_KEY + ")");
                continue;
            }
            var o = ListenerDecoder.unpack(e.getValue(), io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDefaultInstance(), op, problems);
            if (o == null) {
                continue;
            }
            Supported.check(o, op, problems, Set.of("common_http_protocol_options", "explicit_http_config",
                    "use_downstream_protocol_config"), Map.of(
                    "upstream_http_protocol_options", "upstream SNI and host validation follow the cluster's TLS settings"));
            if (c.hasHttp2ProtocolOptions() || c.hasHttpProtocolOptions()) {
                problems.error(op, "set together with the cluster's http2_protocol_options/http_protocol_options (expected: only one of them, as Envoy requires)");
            }
            switch (o.getUpstreamProtocolOptionsCase()) {
                case EXPLICIT_HTTP_CONFIG -> {
                    var ex = o.getExplicitHttpConfig();
                    String ep = Problems.path(op, "explicit_http_config");
                    switch (ex.getProtocolConfigCase()) {
                        case HTTP_PROTOCOL_OPTIONS -> {
                            protocol = UpstreamHttpSpec.Protocol.HTTP1;
                            Supported.check(ex.getHttpProtocolOptions(), Problems.path(ep, "http_protocol_options"), problems, Set.of());
                        }
                        case HTTP2_PROTOCOL_OPTIONS -> {
                            protocol = UpstreamHttpSpec.Protocol.HTTP2;
                            streams = h2(ex.getHttp2ProtocolOptions(), Problems.path(ep, "http2_protocol_options"), problems, streams);
                        }
                        default -> problems.error(ep, "no protocol (expected: http_protocol_options or http2_protocol_options; HTTP/3 is not implemented)");
                    }
                }
                case USE_DOWNSTREAM_PROTOCOL_CONFIG -> {
                    protocol = UpstreamHttpSpec.Protocol.USE_DOWNSTREAM;
                    var ud = o.getUseDownstreamProtocolConfig();
                    String up = Problems.path(op, "use_downstream_protocol_config");
                    Supported.check(ud, up, problems, Set.of("http_protocol_options", "http2_protocol_options"));
                    if (ud.hasHttp2ProtocolOptions()) {
                        streams = h2(ud.getHttp2ProtocolOptions(), Problems.path(up, "http2_protocol_options"), problems, streams);
                    }
                }
                case AUTO_CONFIG -> problems.error(Problems.path(op, "auto_config"), "not implemented (needs ALPN on upstream TLS; "
                        + "expected: explicit_http_config or use_downstream_protocol_config)");
                case UPSTREAMPROTOCOLOPTIONS_NOT_SET -> problems.error(op, "no upstream protocol (expected one of: explicit_http_config, use_downstream_protocol_config)");
            }
            if (o.hasCommonHttpProtocolOptions()) {
                var common = common(o.getCommonHttpProtocolOptions(), Problems.path(op, "common_http_protocol_options"), problems);
                idle = common.idle == null ? idle : common.idle;
                maxRequests = common.maxRequests < 0 ? maxRequests : common.maxRequests;
            }
        }
        CircuitBreakersSpec breakers = c.hasCircuitBreakers()
                ? circuitBreakers(c.getCircuitBreakers(), Problems.path(path, "circuit_breakers"), problems) : CircuitBreakersSpec.DEFAULTS;
        OutlierDetectionSpec outlier = c.hasOutlierDetection()
                ? outlier(c.getOutlierDetection(), Problems.path(path, "outlier_detection"), problems) : null;
        return new UpstreamHttpSpec(protocol, maxRequests, idle, streams, breakers == null ? CircuitBreakersSpec.DEFAULTS : breakers, outlier);
    }

    private record Common(Duration idle, long maxRequests) {
    }

    private static Common common(HttpProtocolOptions o, String path, Problems problems) {
        Supported.check(o, path, problems, Set.of("idle_timeout", "max_requests_per_connection"), Map.of(
                "max_connection_duration", "upstream connections live until idle",
                "headers_with_underscores_action", "headers with underscores are allowed (Envoy's default)",
                "max_headers_count", "upstream responses are bounded by the codec's header size limit"));
        Duration idle = o.hasIdleTimeout() ? Supported.duration(o.getIdleTimeout(), Problems.path(path, "idle_timeout"), problems, true) : null;
        long max = o.hasMaxRequestsPerConnection() ? Integer.toUnsignedLong(o.getMaxRequestsPerConnection().getValue()) : -1;
        return new Common(idle, max);
    }

    private static long h2(Http2ProtocolOptions h2, String path, Problems problems, long dflt) {
        Supported.check(h2, path, problems, H2_FIELDS, H2_IGNORED);
        if (!h2.hasMaxConcurrentStreams()) {
            return dflt;
        }
        long n = Integer.toUnsignedLong(h2.getMaxConcurrentStreams().getValue());
        if (n < 1 || n > Integer.MAX_VALUE) {
            problems.error(Problems.path(path, "max_concurrent_streams"), n + " (expected: 1-2147483647)");
            return dflt;
        }
        return n;
    }

    private static CircuitBreakersSpec circuitBreakers(CircuitBreakers cb, String path, Problems problems) {
        Supported.check(cb, path, problems, Set.of("thresholds"), Map.of(
                "per_host_thresholds", "per-host connection limits are not enforced"));
        CircuitBreakersSpec d = CircuitBreakersSpec.DEFAULTS;
        CircuitBreakersSpec out = d;
        for (int i = 0; i < cb.getThresholdsCount(); i++) {
            var t = cb.getThresholds(i);
            String tp = Problems.path(path, "thresholds[" + i + "]");
            Supported.check(t, tp, problems, Set.of("priority", "max_connections", "max_pending_requests", "max_requests",
                    "max_retries", "retry_budget"), Map.of(
                    "track_remaining", "remaining_* gauges are not exported",
                    "max_connection_pools", "connection pools are per event loop and host, not limited"));
            if (t.getPriority() == RoutingPriority.HIGH) {
                problems.warn(tp + ".priority", "ignored: HIGH priority thresholds; every route uses DEFAULT priority");
                continue;
            }
            double budget = -1;
            long minRetry = d.minRetryConcurrency();
            if (t.hasRetryBudget()) {
                String bp = Problems.path(tp, "retry_budget");
                Supported.check(t.getRetryBudget(), bp, problems, Set.of("budget_percent", "min_retry_concurrency"));
                budget = t.getRetryBudget().hasBudgetPercent() ? t.getRetryBudget().getBudgetPercent().getValue() : 20.0;
                if (budget < 0 || budget > 100) {
                    problems.error(Problems.path(bp, "budget_percent"), budget + " (expected: 0-100)");
                    budget = 20.0;
                }
                if (t.getRetryBudget().hasMinRetryConcurrency()) {
                    minRetry = Integer.toUnsignedLong(t.getRetryBudget().getMinRetryConcurrency().getValue());
                }
            }
            out = new CircuitBreakersSpec(u32(t.hasMaxConnections(), t.getMaxConnections(), d.maxConnections()),
                    u32(t.hasMaxPendingRequests(), t.getMaxPendingRequests(), d.maxPendingRequests()),
                    u32(t.hasMaxRequests(), t.getMaxRequests(), d.maxRequests()),
                    u32(t.hasMaxRetries(), t.getMaxRetries(), d.maxRetries()), budget, minRetry);
        }
        return out;
    }

    private static long u32(boolean has, UInt32Value v, long dflt) {
        return has ? Integer.toUnsignedLong(v.getValue()) : dflt;
    }

    private static OutlierDetectionSpec outlier(OutlierDetection o, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(o, path, problems, OUTLIER_FIELDS);
        OutlierDetectionSpec d = OutlierDetectionSpec.ENVOY_DEFAULTS;
        Duration interval = o.hasInterval() ? Supported.duration(o.getInterval(), Problems.path(path, "interval"), problems, false) : d.interval();
        Duration base = o.hasBaseEjectionTime() ? Supported.duration(o.getBaseEjectionTime(), Problems.path(path, "base_ejection_time"), problems, false) : d.baseEjectionTime();
        Duration max = o.hasMaxEjectionTime() ? Supported.duration(o.getMaxEjectionTime(), Problems.path(path, "max_ejection_time"), problems, false) : d.maxEjectionTime();
        int c5 = positive(o.hasConsecutive5Xx(), o.getConsecutive5Xx(), d.consecutive5xx(), Problems.path(path, "consecutive_5xx"), problems);
        int cg = positive(o.hasConsecutiveGatewayFailure(), o.getConsecutiveGatewayFailure(), d.consecutiveGatewayFailure(), Problems.path(path, "consecutive_gateway_failure"), problems);
        int cl = positive(o.hasConsecutiveLocalOriginFailure(), o.getConsecutiveLocalOriginFailure(), d.consecutiveLocalOriginFailure(), Problems.path(path, "consecutive_local_origin_failure"), problems);
        int mep = percent(o.hasMaxEjectionPercent(), o.getMaxEjectionPercent(), d.maxEjectionPercent(), Problems.path(path, "max_ejection_percent"), problems);
        int e5 = percent(o.hasEnforcingConsecutive5Xx(), o.getEnforcingConsecutive5Xx(), d.enforcingConsecutive5xx(), Problems.path(path, "enforcing_consecutive_5xx"), problems);
        int eg = percent(o.hasEnforcingConsecutiveGatewayFailure(), o.getEnforcingConsecutiveGatewayFailure(), d.enforcingConsecutiveGatewayFailure(), Problems.path(path, "enforcing_consecutive_gateway_failure"), problems);
        int el = percent(o.hasEnforcingConsecutiveLocalOriginFailure(), o.getEnforcingConsecutiveLocalOriginFailure(), d.enforcingConsecutiveLocalOriginFailure(), Problems.path(path, "enforcing_consecutive_local_origin_failure"), problems);
        int es = percent(o.hasEnforcingSuccessRate(), o.getEnforcingSuccessRate(), d.enforcingSuccessRate(), Problems.path(path, "enforcing_success_rate"), problems);
        if (problems.errorCount() > before || interval == null || base == null || max == null) {
            return null;
        }
        return new OutlierDetectionSpec(c5, cg, cl, interval, base, max, mep, e5, eg, el, es, o.getSplitExternalLocalOriginErrors());
    }

    private static int positive(boolean has, UInt32Value v, int dflt, String path, Problems problems) {
        if (!has) {
            return dflt;
        }
        long n = Integer.toUnsignedLong(v.getValue());
        if (n < 1 || n > Integer.MAX_VALUE) {
            problems.error(path, n + " (expected: >= 1)");
            return dflt;
        }
        return (int) n;
    }

    private static int percent(boolean has, UInt32Value v, int dflt, String path, Problems problems) {
        if (!has) {
            return dflt;
        }
        long n = Integer.toUnsignedLong(v.getValue());
        if (n > 100) {
            problems.error(path, n + " (expected: 0-100)");
            return dflt;
        }
        return (int) n;
    }
}
