package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.xds.snapshot.AccessLogSpec;
import io.outrigger.xds.snapshot.CircuitBreakersSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import io.outrigger.xds.snapshot.QueryParameterMatcherSpec;
import io.outrigger.xds.snapshot.RetryPolicySpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.StringMatcherSpec;
import io.outrigger.xds.snapshot.UpstreamHttpSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http_connection_manager, its routes and filters, and the cluster's HTTP options, read from YAML as users write them. */
class HttpConnectionManagerDecoderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static final String CLUSTERS = """
              clusters:
              - name: v1
                load_assignment: {cluster_name: v1, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8081}}}}]}]}
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                    explicit_http_config: {http2_protocol_options: {max_concurrent_streams: 100}}
                    common_http_protocol_options: {idle_timeout: 30s, max_requests_per_connection: 1000}
                circuit_breakers:
                  thresholds:
                  - {max_connections: 10, max_pending_requests: 20, max_requests: 30, retry_budget: {budget_percent: {value: 25}, min_retry_concurrency: 2}}
                outlier_detection: {consecutive_5xx: 3, base_ejection_time: 10s, max_ejection_percent: 50}
              - name: v2
                load_assignment: {cluster_name: v2, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8082}}}}]}]}
            """;

    private static String bootstrap(String hcmBody) {
        return """
                static_resources:
                  listeners:
                  - name: http
                    address: {socket_address: {address: 0.0.0.0, port_value: 8080}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                """ + hcmBody.indent(10) + CLUSTERS;
    }

    private static final String FULL = """
            stat_prefix: ingress_http
            codec_type: AUTO
            request_headers_timeout: 10s
            max_request_headers_kb: 80
            access_log:
            - name: envoy.access_loggers.stdout
              typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog}
            - name: envoy.access_loggers.file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: /tmp/access.log
                log_format: {text_format_source: {inline_string: "%RESPONSE_CODE% %RESPONSE_FLAGS%\\n"}}
            route_config:
              name: local_route
              response_headers_to_add: [{header: {key: X-Config, value: c}}]
              virtual_hosts:
              - name: svc
                domains: ["svc.example.com", "*.svc.local", "svc-*"]
                retry_policy: {retry_on: "5xx,connect-failure", num_retries: 2}
                routes:
                - match: {path_separated_prefix: /svc-b/user}
                  route: {cluster: v1, prefix_rewrite: /user, host_rewrite_literal: users.internal, timeout: 2s}
                - match:
                    prefix: /svc-b/order
                    headers:
                    - {name: x-canary, string_match: {exact: "yes"}}
                    - {name: X-Version, range_match: {start: 2, end: 5}, invert_match: true}
                    - {name: x-debug, present_match: true}
                    query_parameters:
                    - {name: tenant, string_match: {prefix: acme}}
                  route:
                    weighted_clusters: {clusters: [{name: v1, weight: 90}, {name: v2, weight: 10}, {name: v1, weight: 0}]}
                    retry_policy:
                      retry_on: retriable-status-codes,reset
                      num_retries: 3
                      per_try_timeout: 0.5s
                      retriable_status_codes: [503]
                      retry_back_off: {base_interval: 0.01s, max_interval: 0.1s}
                      retry_host_predicate: [{name: envoy.retry_host_predicates.previous_hosts, typed_config: {"@type": type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate}}]
                - match: {safe_regex: {regex: "^/items/[0-9]+$"}}
                  route: {cluster_header: X-Target-Cluster}
                - match: {path: /old}
                  redirect: {path_redirect: /new, response_code: PERMANENT_REDIRECT}
                - match: {prefix: /health}
                  direct_response: {status: 200, body: {inline_string: ok}}
            http_filters:
            - name: istio.stats
              is_optional: true
              typed_config: {"@type": type.googleapis.com/udpa.type.v1.TypedStruct, type_url: type.googleapis.com/stats.PluginConfig}
            - name: envoy.filters.http.fault
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
                abort: {http_status: 503, percentage: {numerator: 50, denominator: HUNDRED}}
                delay: {fixed_delay: 0.1s, percentage: {numerator: 2000, denominator: TEN_THOUSAND}}
                max_active_faults: 100
            - name: envoy.filters.http.router
              typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
            """;

    private LoadedBootstrap load(String yaml) throws IOException, ConfigException {
        Path f = dir.resolve("bootstrap.yaml");
        Files.writeString(f, yaml);
        return BootstrapLoader.load(f, CLOCK);
    }

    private List<ConfigProblem> problemsOf(String yaml) throws IOException {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the bootstrap to be rejected");
    }

    @Test
    void everyRoutingFeatureIsReadIntoTheRecords() throws Exception {
        LoadedBootstrap loaded = load(bootstrap(FULL));
        var hcm = (HttpConnectionManagerSpec) loaded.snapshot().listeners().get(0).filterChains().get(0).filters().get(0);
        assertThat(hcm.statPrefix()).isEqualTo("ingress_http");
        assertThat(hcm.codecType()).isEqualTo(HttpConnectionManagerSpec.CodecType.AUTO);
        assertThat(hcm.limits().requestHeadersTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(hcm.limits().maxRequestHeadersKb()).isEqualTo(80);
        // Envoy's defaults for what was not written.
        assertThat(hcm.limits().streamIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(hcm.limits().maxHeadersCount()).isEqualTo(100);
        assertThat(hcm.generateRequestId()).isTrue();
        assertThat(hcm.serverName()).isEqualTo("envoy");
        assertThat(hcm.accessLogs()).containsExactly(new AccessLogSpec("envoy.access_loggers.stdout", AccessLogSpec.STDOUT, null),
                new AccessLogSpec("envoy.access_loggers.file", "/tmp/access.log", "%RESPONSE_CODE% %RESPONSE_FLAGS%\n"));
        assertThat(hcm.skippedOptionalFilters()).containsExactly("istio.stats");
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w.field()).endsWith("http_filters[0]"));
        assertThat(hcm.httpFilters()).containsExactly(
                new HttpFilterSpec.Fault("envoy.filters.http.fault", new HttpFilterSpec.Delay(Duration.ofMillis(100), 200_000),
                        new HttpFilterSpec.Abort(503, -1, false, 500_000), 100),
                new HttpFilterSpec.Router("envoy.filters.http.router"));

        var rc = hcm.routeConfig();
        assertThat(rc.responseHeaders().add()).containsExactly(new HeaderMutationSpec.HeaderValueSpec("x-config", "c",
                HeaderMutationSpec.AppendAction.APPEND_IF_EXISTS_OR_ADD));
        VirtualHostSpec vh = rc.virtualHosts().get(0);
        assertThat(vh.domains()).containsExactly("svc.example.com", "*.svc.local", "svc-*");
        RetryPolicySpec vhostRetry = RetryPolicySpec.of(Set.of("5xx", "connect-failure"), 2);
        List<RouteSpec> routes = vh.routes();
        assertThat(routes.get(0).match()).isEqualTo(new RouteMatchSpec(RouteMatchSpec.PathKind.PATH_SEPARATED_PREFIX, "/svc-b/user", true, List.of(), List.of(), false));
        assertThat(routes.get(0).action()).isEqualTo(new RouteActionSpec.Forward(List.of(new WeightedClusterSpec("v1", 1)), null,
                "/user", "users.internal", Duration.ofSeconds(2), null, vhostRetry, null));
        assertThat(routes.get(1).match().headers()).containsExactly(
                HeaderMatcherSpec.string("x-canary", StringMatcherSpec.exact("yes"), false),
                HeaderMatcherSpec.range("x-version", 2, 5, true),
                HeaderMatcherSpec.present("x-debug", false));
        assertThat(routes.get(1).match().queryParameters()).containsExactly(
                new QueryParameterMatcherSpec("tenant", new StringMatcherSpec(StringMatcherSpec.Kind.PREFIX, "acme", false)));
        var canary = (RouteActionSpec.Forward) routes.get(1).action();
        // The zero-weight entry takes no traffic and is dropped.
        assertThat(canary.clusters()).containsExactly(new WeightedClusterSpec("v1", 90), new WeightedClusterSpec("v2", 10));
        assertThat(canary.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(canary.retryPolicy()).isEqualTo(new RetryPolicySpec(Set.of("retriable-status-codes", "reset"), 3,
                Duration.ofMillis(500), List.of(503), Duration.ofMillis(10), Duration.ofMillis(100), true, 1));
        assertThat(routes.get(2).match().kind()).isEqualTo(RouteMatchSpec.PathKind.SAFE_REGEX);
        assertThat(((RouteActionSpec.Forward) routes.get(2).action()).clusterHeader()).isEqualTo("x-target-cluster");
        assertThat(routes.get(3).action()).isEqualTo(new RouteActionSpec.Redirect(null, null, 0, "/new", null, 308, false));
        assertThat(routes.get(4).action()).isEqualTo(new RouteActionSpec.DirectResponse(200, "ok"));

        ClusterSpec v1 = loaded.snapshot().cluster("v1");
        assertThat(v1.http().protocol()).isEqualTo(UpstreamHttpSpec.Protocol.HTTP2);
        assertThat(v1.http().maxConcurrentStreams()).isEqualTo(100);
        assertThat(v1.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(v1.http().maxRequestsPerConnection()).isEqualTo(1000);
        assertThat(v1.http().circuitBreakers()).isEqualTo(new CircuitBreakersSpec(10, 20, 30, 3, 25.0, 2));
        assertThat(v1.http().outlierDetection().consecutive5xx()).isEqualTo(3);
        assertThat(v1.http().outlierDetection().baseEjectionTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(v1.http().outlierDetection().maxEjectionPercent()).isEqualTo(50);
        assertThat(v1.http().outlierDetection().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(loaded.snapshot().cluster("v2").http()).isEqualTo(UpstreamHttpSpec.DEFAULTS);
    }

    @Test
    void unknownRequiredFilterIsAnErrorWithItsPath() throws IOException {
        List<ConfigProblem> problems = problemsOf(bootstrap("""
                stat_prefix: s
                route_config: {virtual_hosts: [{name: a, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: v1}}]}]}
                http_filters:
                - name: envoy.filters.http.cors
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
                """));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config");
            assertThat(p.message()).contains("unsupported HTTP filter \"envoy.filters.http.cors\"").contains("is_optional");
        });
    }

    @Test
    void routerMustBeLastAndRoutesMustNameExistingClustersAndRegexesMustBeRe2() throws IOException {
        List<ConfigProblem> problems = problemsOf(bootstrap("""
                stat_prefix: s
                route_config:
                  virtual_hosts:
                  - name: a
                    domains: ["*", "a.*.b"]
                    routes:
                    - {match: {prefix: /}, route: {cluster: nope}}
                    - {match: {safe_regex: {regex: "(a)\\\\1"}}, route: {cluster: v1}}
                    - {match: {prefix: /x}, route: {cluster: v1, retry_policy: {retry_on: "5xx,sometimes"}}}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
                - name: envoy.filters.http.fault
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault}
                """));
        String base = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.";
        assertThat(problems).extracting(ConfigProblem::field).containsExactlyInAnyOrder(
                base + "route_config.virtual_hosts[0].domains[1]",
                base + "route_config.virtual_hosts[0].routes[1].match.safe_regex.regex",
                base + "route_config.virtual_hosts[0].routes[2].route.retry_policy.retry_on",
                base + "http_filters[0]",
                base + "http_filters",
                base + "route_config.virtual_hosts[0].routes[0].route.cluster");
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("not a valid RE2 regular expression"));
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("cluster \"nope\" does not exist"));
    }

    @Test
    void rdsIsAcceptedByNameAndRouteConfigurationsDecodeOnTheirOwn() throws Exception {
        LoadedBootstrap loaded = load(bootstrap("""
                stat_prefix: s
                rds: {route_config_name: outbound_8080, config_source: {ads: {}}}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
                """));
        var hcm = (HttpConnectionManagerSpec) loaded.snapshot().listeners().get(0).filterChains().get(0).filters().get(0);
        assertThat(hcm.routeConfig()).isNull();
        assertThat(hcm.rdsRouteConfigName()).isEqualTo("outbound_8080");

        var rc = io.envoyproxy.envoy.config.route.v3.RouteConfiguration.newBuilder().setName("outbound_8080")
                .addVirtualHosts(io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder().setName("vh").addDomains("*")
                        .addRoutes(io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
                                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c"))))
                .build();
        assertThat(ResourceDecoders.routeConfiguration(rc, "xds").virtualHosts()).singleElement()
                .satisfies(v -> assertThat(v.routes()).singleElement().satisfies(r ->
                        assertThat(r.action()).isEqualTo(RouteActionSpec.Forward.cluster("c"))));
    }
}
