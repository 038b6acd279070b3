package io.outrigger.xds.config;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.outrigger.xds.snapshot.AccessLogSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import io.outrigger.xds.snapshot.HttpLimitsSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code envoy.filters.network.http_connection_manager}. */
final class HttpConnectionManagerDecoder {
    static final String TYPE_URL = MessageTypes.typeUrl(HttpConnectionManager.getDescriptor());
    private static final String ROUTER = MessageTypes.typeUrl(Router.getDescriptor());
    private static final String FAULT = MessageTypes.typeUrl(HTTPFault.getDescriptor());
    private static final String FILE_LOG = MessageTypes.typeUrl(FileAccessLog.getDescriptor());
    private static final String STDOUT_LOG = MessageTypes.typeUrl(StdoutAccessLog.getDescriptor());
    private static final String STDERR_LOG = MessageTypes.typeUrl(StderrAccessLog.getDescriptor());

    private static final Set<String> FIELDS = Set.of("stat_prefix", "codec_type", "route_config", "rds", "http_filters",
            "access_log", "request_timeout", "request_headers_timeout", "stream_idle_timeout",
            "common_http_protocol_options", "max_request_headers_kb", "http2_protocol_options", "generate_request_id",
            "preserve_external_request_id", "server_name", "server_header_transformation", "use_remote_address",
            "upgrade_configs");
    private static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("tracing", "tracing is not implemented (traceparent and B3 headers pass through untouched)"),
            Map.entry("forward_client_cert_details", "x-forwarded-client-cert is not set"),
            Map.entry("set_current_client_cert_details", "x-forwarded-client-cert is not set"),
            Map.entry("normalize_path", "paths are routed as received"),
            Map.entry("merge_slashes", "paths are routed as received"),
            Map.entry("path_with_escaped_slashes_action", "paths are routed as received"),
            Map.entry("internal_address_config", "x-envoy-internal is not set"),
            Map.entry("xff_num_trusted_hops", "x-forwarded-for is appended to, never trusted for the client address"),
            Map.entry("skip_xff_append", "x-forwarded-for is appended to only with use_remote_address"),
            Map.entry("delayed_close_timeout", "connections close once the response is flushed"),
            Map.entry("drain_timeout", "the server's drain time applies"),
            Map.entry("request_id_extension", "x-request-id is a random UUID"),
            Map.entry("always_set_request_id_in_response", "x-request-id is not echoed in responses"),
            Map.entry("http_protocol_options", "HTTP/1.1 options keep Netty's codec defaults"),
            Map.entry("access_log_options", "access logs are written when each request completes"),
            Map.entry("add_user_agent", "x-envoy-downstream-service-cluster is not set"));
    private static final Set<String> LIMIT_FIELDS = Set.of("idle_timeout", "max_headers_count");
    private static final Map<String, String> LIMIT_IGNORED = Map.of(
            "headers_with_underscores_action", "headers with underscores are allowed (Envoy's default)",
            "max_stream_duration", "the route timeout bounds streams",
            "max_connection_duration", "connections live until idle",
            "max_requests_per_connection", "downstream connections serve any number of requests");
    private static final Set<String> H2_FIELDS = Set.of("max_concurrent_streams", "initial_stream_window_size",
            "initial_connection_window_size");
    private static final Map<String, String> H2_IGNORED = Map.of(
            "hpack_table_size", "Netty's default table size (4 KiB) is used",
            "allow_connect", "CONNECT over HTTP/2 is not implemented",
            "max_outbound_frames", "outbound frames are bounded by channel writability",
            "max_outbound_control_frames", "Netty bounds queued control frames",
            "max_consecutive_inbound_frames_with_empty_payload", "Netty's default limit applies",
            "max_inbound_priority_frames_per_stream", "PRIORITY frames are ignored",
            "max_inbound_window_update_frames_per_data_frame_sent", "Netty's default limit applies",
            "connection_keepalive", "HTTP/2 PING keepalive is not sent");

    private HttpConnectionManagerDecoder() {
    }

    static HttpConnectionManagerSpec decode(String name, HttpConnectionManager hcm, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(hcm, path, problems, FIELDS, IGNORED);
        if (hcm.getStatPrefix().isEmpty()) {
            problems.error(Problems.path(path, "stat_prefix"), "missing (expected: a non-empty stat_prefix, as Envoy requires)");
        }
        HttpConnectionManagerSpec.CodecType codec = switch (hcm.getCodecType()) {
            case AUTO -> HttpConnectionManagerSpec.CodecType.AUTO;
            case HTTP1 -> HttpConnectionManagerSpec.CodecType.HTTP1;
            case HTTP2 -> HttpConnectionManagerSpec.CodecType.HTTP2;
            case HTTP3, UNRECOGNIZED -> {
                problems.error(Problems.path(path, "codec_type"), hcm.getCodecType() + " (expected: AUTO, HTTP1 or HTTP2)");
                yield HttpConnectionManagerSpec.CodecType.AUTO;
            }
        };
        RouteConfigSpec routes = null;
        String rds = null;
        switch (hcm.getRouteSpecifierCase()) {
            case ROUTE_CONFIG -> routes = RouteConfigDecoder.decode(hcm.getRouteConfig(), Problems.path(path, "route_config"), problems);
            case RDS -> {
                String rp = Problems.path(path, "rds");
                Supported.check(hcm.getRds(), rp, problems, Set.of("config_source", "route_config_name"));
                if (hcm.getRds().hasConfigSource()) {
                    ClusterDecoder.configSource(hcm.getRds().getConfigSource(), Problems.path(rp, "config_source"), problems);
                }
                if (hcm.getRds().getRouteConfigName().isEmpty()) {
                    problems.error(Problems.path(rp, "route_config_name"), "empty (expected: the name of a RouteConfiguration)");
                }
                rds = hcm.getRds().getRouteConfigName();
            }
            default -> problems.error(Problems.path(path, "route_config"), "missing (expected: route_config, or rds)");
        }
        List<String> skipped = new ArrayList<>();
        List<HttpFilterSpec> filters = httpFilters(hcm, path, problems, skipped);
        List<AccessLogSpec> logs = new ArrayList<>();
        for (int i = 0; i < hcm.getAccessLogCount(); i++) {
            AccessLogSpec l = accessLog(hcm.getAccessLog(i), Problems.path(path, "access_log[" + i + "]"), problems);
            if (l != null) {
                logs.add(l);
            }
        }
        HttpLimitsSpec limits = limits(hcm, path, problems);
        HttpConnectionManagerSpec.ServerHeader server = switch (hcm.getServerHeaderTransformation()) {
            case OVERWRITE, UNRECOGNIZED -> HttpConnectionManagerSpec.ServerHeader.OVERWRITE;
            case APPEND_IF_ABSENT -> HttpConnectionManagerSpec.ServerHeader.APPEND_IF_ABSENT;
            case PASS_THROUGH -> HttpConnectionManagerSpec.ServerHeader.PASS_THROUGH;
        };
        List<String> upgrades = new ArrayList<>();
        for (int i = 0; i < hcm.getUpgradeConfigsCount(); i++) {
            var u = hcm.getUpgradeConfigs(i);
            String up = Problems.path(path, "upgrade_configs[" + i + "]");
            Supported.check(u, up, problems, Set.of("upgrade_type", "enabled"));
            if (u.getUpgradeType().isEmpty()) {
                problems.error(Problems.path(up, "upgrade_type"), "empty (expected e.g. websocket)");
            } else if (!u.hasEnabled() || u.getEnabled().getValue()) {
                upgrades.add(u.getUpgradeType().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (problems.errorCount() > before || limits == null) {
            return null;
        }
        return new HttpConnectionManagerSpec(name, hcm.getStatPrefix(), codec, routes, rds,
                filters, skipped, limits, logs, !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue(),
                hcm.getPreserveExternalRequestId(),
                hcm.getServerName().isEmpty() ? HttpConnectionManagerSpec.DEFAULT_SERVER_NAME : hcm.getServerName(),
                server, hcm.hasUseRemoteAddress() && hcm.getUseRemoteAddress().getValue(), upgrades);
    }

    private static List<HttpFilterSpec> httpFilters(HttpConnectionManager hcm, String path, Problems problems, List<String> skipped) {
        List<HttpFilterSpec> out = new ArrayList<>();
        if (hcm.getHttpFiltersCount() == 0) {
            problems.error(Problems.path(path, "http_filters"), "empty (expected a chain ending in envoy.filters.http.router)");
            return out;
        }
        for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
            HttpFilter f = hcm.getHttpFilters(i);
            String fp = Problems.path(path, "http_filters[" + i + "]");
            Supported.check(f, fp, problems, Set.of("name", "typed_config", "is_optional", "disabled"));
            boolean last = i == hcm.getHttpFiltersCount() - 1;
            if (f.getDisabled()) {
                problems.warn(Problems.path(fp, "disabled"), "filter \"" + f.getName() + "\" is disabled and does not run");
                continue;
            }
            String typeUrl = f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl() : wellKnown(f.getName());
            String cp = Problems.path(fp, "typed_config");
            if (ROUTER.equals(typeUrl)) {
                Router r = f.hasTypedConfig() ? ListenerDecoder.unpack(f.getTypedConfig(), Router.getDefaultInstance(), cp, problems) : Router.getDefaultInstance();
                if (r != null) {
                    Supported.check(r, cp, problems, Set.of(), Map.of(
                            "dynamic_stats", "per-request dynamic stats are always off",
                            "start_child_span", "tracing is not implemented",
                            "suppress_envoy_headers", "x-envoy-upstream-service-time is the only x-envoy header sent"));
                }
                if (!last) {
                    problems.error(fp, "envoy.filters.http.router must be the last HTTP filter (it is terminal)");
                }
                out.add(new HttpFilterSpec.Router(f.getName()));
            } else if (FAULT.equals(typeUrl)) {
                HTTPFault fault = f.hasTypedConfig() ? ListenerDecoder.unpack(f.getTypedConfig(), HTTPFault.getDefaultInstance(), cp, problems) : HTTPFault.getDefaultInstance();
                HttpFilterSpec.Fault spec = fault == null ? null : FaultDecoder.decode(f.getName(), fault, cp, problems);
                if (spec != null) {
                    out.add(spec);
                }
            } else if (f.getIsOptional()) {
                // Envoy skips optional filters it does not know; we say which.
                skipped.add(f.getName());
                problems.warn(fp, "optional HTTP filter \"" + f.getName() + "\"" + (typeUrl == null ? "" : " of type " + describe(f.getTypedConfig()))
                        + " is not implemented and is skipped");
            } else {
                problems.error(f.hasTypedConfig() ? cp : Problems.path(fp, "name"), "unsupported HTTP filter \"" + f.getName() + "\""
                        + (f.hasTypedConfig() ? " of type " + describe(f.getTypedConfig()) : " without typed_config")
                        + " (Outrigger implements: envoy.extensions.filters.http.fault.v3.HTTPFault, "
                        + "envoy.extensions.filters.http.router.v3.Router; set is_optional: true to skip it)");
            }
        }
        if (!out.isEmpty() && !(out.getLast() instanceof HttpFilterSpec.Router)) {
            problems.error(Problems.path(path, "http_filters"), "the last filter is not envoy.filters.http.router (expected a chain ending in the router)");
        }
        return out;
    }

    private static String describe(Any any) {
        return ListenerDecoder.extensionName(any);
    }

    private static String wellKnown(String name) {
        return switch (name) {
            case "envoy.filters.http.router", "envoy.router" -> ROUTER;
            case "envoy.filters.http.fault", "envoy.fault" -> FAULT;
            default -> null;
        };
    }

    private static AccessLogSpec accessLog(AccessLog log, String path, Problems problems) {
        Supported.check(log, path, problems, Set.of("name", "typed_config"));
        String cp = Problems.path(path, "typed_config");
        String type = log.getTypedConfig().getTypeUrl();
        if (FILE_LOG.equals(type)) {
            FileAccessLog f = ListenerDecoder.unpack(log.getTypedConfig(), FileAccessLog.getDefaultInstance(), cp, problems);
            if (f == null) {
                return null;
            }
            Supported.check(f, cp, problems, Set.of("path", "log_format", "format"));
            if (f.getPath().isEmpty()) {
                problems.error(Problems.path(cp, "path"), "empty (expected: a file path, e.g. /dev/stdout)");
                return null;
            }
            String format = f.hasFormat() ? f.getFormat() : f.hasLogFormat() ? format(f.getLogFormat(), Problems.path(cp, "log_format"), problems) : null;
            return new AccessLogSpec(log.getName(), f.getPath(), emptyToNull(format));
        }
        if (STDOUT_LOG.equals(type) || STDERR_LOG.equals(type)) {
            boolean out = STDOUT_LOG.equals(type);
            SubstitutionFormatString fmt;
            if (out) {
                StdoutAccessLog s = ListenerDecoder.unpack(log.getTypedConfig(), StdoutAccessLog.getDefaultInstance(), cp, problems);
                if (s == null) {
                    return null;
                }
                Supported.check(s, cp, problems, Set.of("log_format"));
                fmt = s.hasLogFormat() ? s.getLogFormat() : null;
            } else {
                StderrAccessLog s = ListenerDecoder.unpack(log.getTypedConfig(), StderrAccessLog.getDefaultInstance(), cp, problems);
                if (s == null) {
                    return null;
                }
                Supported.check(s, cp, problems, Set.of("log_format"));
                fmt = s.hasLogFormat() ? s.getLogFormat() : null;
            }
            String format = fmt == null ? null : format(fmt, Problems.path(cp, "log_format"), problems);
            return new AccessLogSpec(log.getName(), out ? AccessLogSpec.STDOUT : AccessLogSpec.STDERR, emptyToNull(format));
        }
        problems.error(cp, "unsupported access logger \"" + log.getName() + "\" of type " + describe(log.getTypedConfig())
                + " (Outrigger implements: " + MessageTypes.fullName(FILE_LOG) + ", " + MessageTypes.fullName(STDOUT_LOG)
                + ", " + MessageTypes.fullName(STDERR_LOG) + ")");
        return null;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String format(SubstitutionFormatString f, String path, Problems problems) {
        Supported.check(f, path, problems, Set.of("text_format", "text_format_source"));
        if (f.hasTextFormatSource()) {
            Supported.check(f.getTextFormatSource(), Problems.path(path, "text_format_source"), problems, Set.of("inline_string"));
            return f.getTextFormatSource().getInlineString();
        }
        return f.getTextFormat();
    }

    private static HttpLimitsSpec limits(HttpConnectionManager hcm, String path, Problems problems) {
        HttpLimitsSpec d = HttpLimitsSpec.DEFAULTS;
        int before = problems.errorCount();
        Duration request = hcm.hasRequestTimeout() ? Supported.duration(hcm.getRequestTimeout(), Problems.path(path, "request_timeout"), problems, true) : d.requestTimeout();
        Duration headers = hcm.hasRequestHeadersTimeout() ? Supported.duration(hcm.getRequestHeadersTimeout(), Problems.path(path, "request_headers_timeout"), problems, true) : d.requestHeadersTimeout();
        Duration streamIdle = hcm.hasStreamIdleTimeout() ? Supported.duration(hcm.getStreamIdleTimeout(), Problems.path(path, "stream_idle_timeout"), problems, true) : d.streamIdleTimeout();
        Duration idle = d.idleTimeout();
        int maxHeadersCount = d.maxHeadersCount();
        if (hcm.hasCommonHttpProtocolOptions()) {
            String op = Problems.path(path, "common_http_protocol_options");
            var o = hcm.getCommonHttpProtocolOptions();
            Supported.check(o, op, problems, LIMIT_FIELDS, LIMIT_IGNORED);
            if (o.hasIdleTimeout()) {
                idle = Supported.duration(o.getIdleTimeout(), Problems.path(op, "idle_timeout"), problems, true);
            }
            if (o.hasMaxHeadersCount()) {
                long n = Integer.toUnsignedLong(o.getMaxHeadersCount().getValue());
                if (n < 1 || n > Integer.MAX_VALUE) {
                    problems.error(Problems.path(op, "max_headers_count"), n + " (expected: >= 1)");
                } else {
                    maxHeadersCount = (int) n;
                }
            }
        }
        int kb = d.maxRequestHeadersKb();
        if (hcm.hasMaxRequestHeadersKb()) {
            long v = Integer.toUnsignedLong(hcm.getMaxRequestHeadersKb().getValue());
            if (v < 1 || v > 8192) {
                problems.error(Problems.path(path, "max_request_headers_kb"), v + " (expected: 1-8192, as Envoy allows)");
            } else {
                kb = (int) v;
            }
        }
        long streams = d.maxConcurrentStreams();
        int streamWindow = d.initialStreamWindowSize();
        int connWindow = d.initialConnectionWindowSize();
        if (hcm.hasHttp2ProtocolOptions()) {
            String hp = Problems.path(path, "http2_protocol_options");
            Http2ProtocolOptions h2 = hcm.getHttp2ProtocolOptions();
            Supported.check(h2, hp, problems, H2_FIELDS, H2_IGNORED);
            if (h2.hasMaxConcurrentStreams()) {
                streams = Integer.toUnsignedLong(h2.getMaxConcurrentStreams().getValue());
                if (streams < 1 || streams > Integer.MAX_VALUE) {
                    problems.error(Problems.path(hp, "max_concurrent_streams"), streams + " (expected: 1-2147483647)");
                }
            }
            if (h2.hasInitialStreamWindowSize()) {
                streamWindow = window(h2.getInitialStreamWindowSize().getValue(), Problems.path(hp, "initial_stream_window_size"), problems);
            }
            if (h2.hasInitialConnectionWindowSize()) {
                connWindow = window(h2.getInitialConnectionWindowSize().getValue(), Problems.path(hp, "initial_connection_window_size"), problems);
            }
        }
        if (problems.errorCount() > before || request == null || headers == null || streamIdle == null || idle == null) {
            return null;
        }
        return new HttpLimitsSpec(request, headers, streamIdle, idle, kb, maxHeadersCount, streams, streamWindow, connWindow,
                d.maxRequestBodyBytes());
    }

    private static int window(int value, String path, Problems problems) {
        long v = Integer.toUnsignedLong(value);
        // Envoy's bounds: 65535 .. 2^31-1.
        if (v < 65535 || v > Integer.MAX_VALUE) {
            problems.error(path, v + " (expected: 65535-2147483647)");
            return 65535;
        }
        return (int) v;
    }
}
