package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code envoy.filters.network.http_connection_manager}: the HTTP codec, routes and HTTP filters of
 * a filter chain. Exactly one of {@code routeConfig} (inline) and {@code rdsRouteConfigName} (RDS)
 * is set.
 *
 * @param routeConfig the inline {@code route_config}, or {@code null} with RDS
 * @param rdsRouteConfigName {@code rds.route_config_name}, or {@code null} with an inline route config
 * @param httpFilters the filters that run, in order, the last one the router
 * @param skippedOptionalFilters names of {@code is_optional} filters Outrigger does not implement
 *                               (skipped, as Envoy skips optional filters it does not know)
 * @param accessLogs where each completed request is logged
 * @param serverName the {@code server} header set on responses ({@code server_name}, default "envoy")
 * @param upgradeTypes {@code upgrade_configs} upgrade types allowed through (e.g. "websocket")
 */
public record HttpConnectionManagerSpec(String name, String statPrefix, CodecType codecType,
                                        RouteConfigSpec routeConfig, String rdsRouteConfigName,
                                        List<HttpFilterSpec> httpFilters, List<String> skippedOptionalFilters,
                                        HttpLimitsSpec limits, List<AccessLogSpec> accessLogs,
                                        boolean generateRequestId, boolean preserveExternalRequestId,
                                        String serverName, ServerHeader serverHeader, boolean useRemoteAddress,
                                        List<String> upgradeTypes) implements NetworkFilterSpec {
    /** {@code codec_type}. */
    public enum CodecType { AUTO, HTTP1, HTTP2 }

    /** {@code server_header_transformation}. */
    public enum ServerHeader { OVERWRITE, APPEND_IF_ABSENT, PASS_THROUGH }

    /** Envoy's default {@code server_name}. */
    public static final String DEFAULT_SERVER_NAME = "envoy";

    public HttpConnectionManagerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(codecType, "codecType");
        if ((routeConfig == null) == (rdsRouteConfigName == null)) {
            throw new IllegalArgumentException("routeConfig/rdsRouteConfigName: expected exactly one of them");
        }
        httpFilters = List.copyOf(httpFilters);
        skippedOptionalFilters = List.copyOf(skippedOptionalFilters);
        Objects.requireNonNull(limits, "limits");
        accessLogs = List.copyOf(accessLogs);
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(serverHeader, "serverHeader");
        upgradeTypes = List.copyOf(upgradeTypes);
    }

    /** A connection manager with Envoy's defaults around an inline route config and the router only. */
    public static HttpConnectionManagerSpec of(String statPrefix, CodecType codec, RouteConfigSpec routes,
                                               List<HttpFilterSpec> filters) {
        return new HttpConnectionManagerSpec("envoy.filters.network.http_connection_manager", statPrefix, codec, routes,
                null, filters, List.of(), HttpLimitsSpec.DEFAULTS, List.of(), true, false, DEFAULT_SERVER_NAME,
                ServerHeader.OVERWRITE, false, List.of());
    }

    /** A copy with other limits. */
    public HttpConnectionManagerSpec withLimits(HttpLimitsSpec l) {
        return new HttpConnectionManagerSpec(name, statPrefix, codecType, routeConfig, rdsRouteConfigName, httpFilters,
                skippedOptionalFilters, l, accessLogs, generateRequestId, preserveExternalRequestId, serverName,
                serverHeader, useRemoteAddress, upgradeTypes);
    }

    /** A copy with other access logs. */
    public HttpConnectionManagerSpec withAccessLogs(List<AccessLogSpec> logs) {
        return new HttpConnectionManagerSpec(name, statPrefix, codecType, routeConfig, rdsRouteConfigName, httpFilters,
                skippedOptionalFilters, limits, logs, generateRequestId, preserveExternalRequestId, serverName,
                serverHeader, useRemoteAddress, upgradeTypes);
    }

    /** Envoy's default {@code stream_idle_timeout}. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
}
