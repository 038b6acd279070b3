package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapLoaderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** A sidecar-shaped bootstrap: an outbound capture listener, a weighted split, three kinds of cluster. */
    private static final String SIDECAR = """
            node:
              id: sidecar~10.0.0.7~app-1.default~default.svc.cluster.local
              cluster: app.default
              locality: {region: eu-west-1, zone: eu-west-1a}
              metadata: {NAMESPACE: default, LABELS: {app: app}}
            admin:
              address: {socket_address: {address: 127.0.0.1, port_value: 15000}}
            static_resources:
              listeners:
              - name: virtualOutbound
                address: {socket_address: {address: 0.0.0.0, port_value: 15001}}
                use_original_dst: true
                listener_filters:
                - name: envoy.filters.listener.original_dst
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst}
                - name: envoy.filters.listener.tls_inspector
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                filter_chains:
                - name: to-backend
                  filter_chain_match:
                    destination_port: 8080
                    prefix_ranges: [{address_prefix: 10.0.0.0, prefix_len: 8}]
                    transport_protocol: raw_buffer
                  filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                      stat_prefix: backend
                      weighted_clusters:
                        clusters: [{name: backend-v1, weight: 90}, {name: backend-v2, weight: 10}]
                      idle_timeout: 0s
                default_filter_chain:
                  filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                      stat_prefix: passthrough
                      cluster: passthrough
              clusters:
              - name: backend-v1
                type: STATIC
                connect_timeout: 0.25s
                lb_policy: LEAST_REQUEST
                load_assignment:
                  cluster_name: backend-v1
                  policy: {overprovisioning_factor: 200}
                  endpoints:
                  - locality: {region: eu-west-1, zone: eu-west-1a}
                    load_balancing_weight: 3
                    lb_endpoints:
                    - endpoint: {address: {socket_address: {address: 10.1.0.1, port_value: 8080}}}
                      health_status: HEALTHY
                      load_balancing_weight: 5
                      metadata: {filter_metadata: {istio: {network: net-1, weight: 2}}}
                    - endpoint: {address: {socket_address: {address: "::1", port_value: 8080}}}
                  - priority: 1
                    lb_endpoints:
                    - endpoint: {address: {socket_address: {address: 10.2.0.1, port_value: 8080}}}
                      health_status: DRAINING
              - name: backend-v2
                type: STRICT_DNS
                load_assignment:
                  cluster_name: backend-v2
                  endpoints:
                  - lb_endpoints:
                    - endpoint: {address: {socket_address: {address: backend-v2.default.svc, port_value: 8080}}}
              - name: passthrough
                type: ORIGINAL_DST
                lb_policy: CLUSTER_PROVIDED
            """;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private List<ConfigProblem> problemsOf(String yaml) throws IOException {
        Path f = write("bootstrap.yaml", yaml);
        try {
            BootstrapLoader.load(f, CLOCK);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the bootstrap to be rejected");
    }

    @Test
    void sidecarBootstrapBecomesTheSnapshotWithEnvoyDefaults() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("bootstrap.yaml", SIDECAR), CLOCK);
        ConfigSnapshot s = loaded.snapshot();

        assertThat(s.versionInfo()).isEqualTo("static");
        assertThat(s.source()).endsWith("bootstrap.yaml");
        assertThat(s.node().id()).isEqualTo("sidecar~10.0.0.7~app-1.default~default.svc.cluster.local");
        assertThat(s.node().cluster()).isEqualTo("app.default");
        assertThat(s.node().locality()).isEqualTo(new LocalitySpec("eu-west-1", "eu-west-1a", ""));
        // Strings as they are, structs as JSON text (NodeInfo's contract).
        assertThat(s.node().metadata()).containsEntry("NAMESPACE", "default").containsEntry("LABELS", "{\"app\":\"app\"}");
        assertThat(s.admin()).isEqualTo(new AdminSpec(new SocketAddressSpec("127.0.0.1", 15000)));

        ListenerSpec l = s.listeners().get(0);
        assertThat(l.name()).isEqualTo("virtualOutbound");
        assertThat(l.address()).isEqualTo(new SocketAddressSpec("0.0.0.0", 15001));
        assertThat(l.bindToPort()).isTrue();
        assertThat(l.useOriginalDst()).isTrue();
        assertThat(l.listenerFilters()).extracting(ListenerFilterSpec::kind)
                .containsExactly(ListenerFilterSpec.Kind.ORIGINAL_DST, ListenerFilterSpec.Kind.TLS_INSPECTOR);
        assertThat(l.filterChains().get(0).name()).isEqualTo("to-backend");
        assertThat(l.filterChains().get(0).match()).isEqualTo(
                new FilterChainMatchSpec(8080, List.of("10.0.0.0/8"), List.of(), "raw_buffer", List.of()));
        TcpProxySpec split = (TcpProxySpec) l.filterChains().get(0).filters().get(0);
        assertThat(split.clusters()).containsExactly(new WeightedClusterSpec("backend-v1", 90), new WeightedClusterSpec("backend-v2", 10));
        assertThat(split.idleTimeout()).as("idle_timeout: 0s disables the timeout").isEqualTo(Duration.ZERO);
        TcpProxySpec passthrough = (TcpProxySpec) l.defaultFilterChain().filters().get(0);
        assertThat(passthrough.clusters()).containsExactly(new WeightedClusterSpec("passthrough", 1));
        assertThat(passthrough.idleTimeout()).as("Envoy's default tcp_proxy idle_timeout").isEqualTo(Duration.ofHours(1));
        assertThat(passthrough.statPrefix()).isEqualTo("passthrough");

        ClusterSpec v1 = s.cluster("backend-v1");
        assertThat(v1.type()).isEqualTo(ClusterSpec.DiscoveryType.STATIC);
        assertThat(v1.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(v1.lbPolicy()).isEqualTo(ClusterSpec.LbPolicyName.LEAST_REQUEST);
        assertThat(v1.loadAssignment().overprovisioningFactor()).isEqualTo(200);
        LocalityEndpointsSpec p0 = v1.loadAssignment().localities().get(0);
        assertThat(p0.locality()).isEqualTo(new LocalitySpec("eu-west-1", "eu-west-1a", ""));
        assertThat(p0.loadBalancingWeight()).isEqualTo(3);
        assertThat(p0.priority()).isZero();
        assertThat(p0.endpoints().get(0)).isEqualTo(new EndpointSpec(new SocketAddressSpec("10.1.0.1", 8080), 5,
                EndpointSpec.Health.HEALTHY, Map.of("istio.network", "net-1", "istio.weight", "2")));
        assertThat(p0.endpoints().get(1)).as("unset weight is 1, unset health UNKNOWN").isEqualTo(
                new EndpointSpec(new SocketAddressSpec("::1", 8080), 1, EndpointSpec.Health.UNKNOWN, Map.of()));
        LocalityEndpointsSpec p1 = v1.loadAssignment().localities().get(1);
        assertThat(p1.priority()).isEqualTo(1);
        assertThat(p1.loadBalancingWeight()).as("unset locality weight").isZero();
        assertThat(p1.endpoints().get(0).health()).isEqualTo(EndpointSpec.Health.DRAINING);

        ClusterSpec v2 = s.cluster("backend-v2");
        assertThat(v2.type()).isEqualTo(ClusterSpec.DiscoveryType.STRICT_DNS);
        assertThat(v2.connectTimeout()).as("Envoy's default connect_timeout").isEqualTo(Duration.ofSeconds(5));
        assertThat(v2.lbPolicy()).isEqualTo(ClusterSpec.LbPolicyName.ROUND_ROBIN);
        assertThat(v2.loadAssignment().overprovisioningFactor()).as("Envoy's default overprovisioning_factor").isEqualTo(140);
        assertThat(v2.loadAssignment().localities().get(0).endpoints().get(0).address())
                .isEqualTo(new SocketAddressSpec("backend-v2.default.svc", 8080));
        assertThat(s.cluster("passthrough").type()).isEqualTo(ClusterSpec.DiscoveryType.ORIGINAL_DST);
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void camelCaseJsonWithStringIntegersAndDurationsReadsLikeSnakeCaseYaml() throws Exception {
        String json = """
                {"staticResources": {"clusters": [{"name": "c", "type": "STATIC", "connectTimeout": "1.5s",
                  "loadAssignment": {"clusterName": "c", "endpoints": [{"lbEndpoints": [{"endpoint": {"address":
                  {"socketAddress": {"address": "10.0.0.1", "portValue": "9090"}}}, "loadBalancingWeight": "7"}]}]}}]}}
                """;
        ClusterSpec c = BootstrapLoader.load(write("bootstrap.json", json), CLOCK).snapshot().cluster("c");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        EndpointSpec e = c.loadAssignment().localities().get(0).endpoints().get(0);
        assertThat(e.address()).isEqualTo(new SocketAddressSpec("10.0.0.1", 9090));
        assertThat(e.loadBalancingWeight()).isEqualTo(7);
    }

    @Test
    void bootstrapWithoutAdminListensForAdminOnLoopback15000() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("b.yaml", "node: {id: a, cluster: b}\n"), CLOCK);
        assertThat(loaded.snapshot().admin().address()).isEqualTo(new SocketAddressSpec("127.0.0.1", 15000));
        assertThat(loaded.snapshot().listeners()).isEmpty();
    }

    @Test
    void missingFileSaysTheFileDoesNotExist() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> BootstrapLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": file does not exist (expected a readable Envoy v3 bootstrap, YAML or JSON)");
    }

    @Test
    void yamlSyntaxErrorNamesFileLineAndColumn() throws IOException {
        Path f = write("broken.yaml", "static_resources:\n  clusters:\n  - name: a\n   type: STATIC\n");
        assertThatThrownBy(() -> BootstrapLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ": YAML syntax error at line 4, column 4: expected <block end>, but found '<block mapping start>' (while parsing a block mapping at line 2, column 3)");
    }

    @Test
    void yamlAnchorsAliasesMergeKeysAndIgnoreTagsExpandAsInEnvoy() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("anchors.yaml", """
                !ignore templates:
                  timeouts: &timeouts {connect_timeout: 2s, lb_policy: RANDOM}
                  endpoint: &ep {endpoint: {address: {socket_address: {address: 10.0.0.9, port_value: 80}}}}
                static_resources:
                  clusters:
                  - name: a
                    <<: *timeouts
                    load_assignment: {cluster_name: a, endpoints: [{lb_endpoints: [*ep, *ep]}]}
                """), CLOCK);
        ClusterSpec a = loaded.snapshot().cluster("a");
        assertThat(a.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.lbPolicy()).isEqualTo(ClusterSpec.LbPolicyName.RANDOM);
        assertThat(a.loadAssignment().localities().get(0).endpoints()).extracting(EndpointSpec::address)
                .containsExactly(new SocketAddressSpec("10.0.0.9", 80), new SocketAddressSpec("10.0.0.9", 80));
    }

    @Test
    void duplicateYamlKeysAreAnErrorWithTheirPosition() throws IOException {
        Path f = write("dup.yaml", "node:\n  id: a\n  id: b\n");
        assertThatThrownBy(() -> BootstrapLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ": YAML syntax error at line 3, column 3: found duplicate key id");
    }

    @Test
    void jsonSyntaxErrorNamesLineAndColumn() throws IOException {
        Path f = write("broken.json", "{\n  \"node\": {\"id\": \"a\",}\n}\n");
        assertThatThrownBy(() -> BootstrapLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ": JSON syntax error at line 2, column ");
    }

    @Test
    void unknownFieldIsReportedWithItsPathFromTheRootAndASuggestion() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - name: a
                    type: STATIC
                  - name: b
                    type: STATIC
                    load_assignment:
                      cluster_name: b
                      endpoints:
                      - lb_endpoints:
                        - endpoint:
                            adress: {socket_address: {address: 10.0.0.1, port_value: 80}}
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.clusters[1].load_assignment.endpoints[0].lb_endpoints[0].endpoint.adress");
            assertThat(p.resourceType()).isEqualTo("Cluster");
            assertThat(p.resourceName()).isEqualTo("b");
            assertThat(p.message()).isEqualTo("unknown field \"adress\" in envoy.config.endpoint.v3.Endpoint (did you mean \"address\"?)");
            assertThat(p.toString()).startsWith(dir.resolve("bootstrap.yaml") + ": Cluster \"b\": static_resources.clusters[1]");
        });
    }

    @Test
    void everyUnknownFieldIsReportedNotOnlyTheFirst() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                nodee: {id: a}
                static_resources:
                  listeners:
                  - name: l
                    adress: {}
                  clusters:
                  - name: c
                    conect_timeout: 1s
                """);
        assertThat(problems).extracting(ConfigProblem::field)
                .containsExactly("nodee", "static_resources.listeners[0].adress", "static_resources.clusters[0].conect_timeout");
    }

    @Test
    void unknownTypeUrlIsReportedWithPathAndUrl() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  listeners:
                  - name: l
                    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}
                    filter_chains:
                    - filters:
                      - name: x
                        typed_config: {"@type": type.googleapis.com/example.Nonexistent, foo: 1}
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.listeners[0].filter_chains[0].filters[0].typed_config");
            assertThat(p.resourceName()).isEqualTo("l");
            assertThat(p.message()).startsWith("unknown @type \"type.googleapis.com/example.Nonexistent\"");
        });
    }

    @Test
    void istioExtensionTypesAreNamedAsIstioSpecific() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  listeners:
                  - name: l
                    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}
                    filter_chains:
                    - filters:
                      - name: istio.metadata_exchange
                        typed_config: {"@type": type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange}
                """);
        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString()
                .contains("envoy.tcp.metadataexchange.config.MetadataExchange").contains("Istio-specific");
    }

    @Test
    void typedStructWrappingAnIstioTypeIsRejectedNamingTheWrappedType() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  listeners:
                  - name: l
                    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}
                    filter_chains:
                    - filters:
                      - name: istio.stats
                        typed_config:
                          "@type": type.googleapis.com/udpa.type.v1.TypedStruct
                          type_url: type.googleapis.com/stats.PluginConfig
                          value: {}
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.listeners[0].filter_chains[0].filters[0].typed_config");
            assertThat(p.message()).contains("unsupported network filter \"istio.stats\"")
                    .contains("udpa.type.v1.TypedStruct wrapping stats.PluginConfig").contains("Istio-specific");
        });
    }

    @Test
    void tcpProxyToAClusterThatDoesNotExistIsRejected() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  listeners:
                  - name: l
                    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: s
                          cluster: backnd
                  clusters:
                  - {name: backend, type: STATIC}
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.resourceType()).isEqualTo("Listener");
            assertThat(p.field()).isEqualTo("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.cluster");
            assertThat(p.message()).isEqualTo("cluster \"backnd\" does not exist (expected the name of a cluster in "
                    + "static_resources.clusters: backend)");
        });
    }

    @Test
    void twoListenersBoundToTheSameAddressAndPortAreRejected() throws IOException {
        String chain = """
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: s, cluster: c}
                """;
        List<ConfigProblem> problems = problemsOf("static_resources:\n  listeners:\n"
                + "  - name: first\n    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}\n" + chain
                + "  - name: second\n    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}\n" + chain
                + "  clusters:\n  - {name: c, type: STATIC}\n");
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.listeners[1].address");
            assertThat(p.resourceName()).isEqualTo("second");
            assertThat(p.message()).startsWith("listener \"second\" binds 0.0.0.0:9000, as does listener \"first\" (static_resources.listeners[0])");
        });
    }

    @Test
    void listenersThatDoNotBindMayShareAnAddressWithOneThatDoes() throws Exception {
        String yaml = """
                static_resources:
                  listeners:
                  - name: virtualOutbound
                    address: {socket_address: {address: 0.0.0.0, port_value: 15001}}
                    use_original_dst: true
                    filter_chains: [{filters: [{name: t, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: s, cluster: c}}]}]
                  - name: 0.0.0.0_15001
                    address: {socket_address: {address: 0.0.0.0, port_value: 15001}}
                    bind_to_port: false
                    filter_chains: [{filters: [{name: t, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: s, cluster: c}}]}]
                  clusters:
                  - {name: c, type: STATIC}
                """;
        ConfigSnapshot s = BootstrapLoader.load(write("b.yaml", yaml), CLOCK).snapshot();
        assertThat(s.listeners()).extracting(ListenerSpec::bindToPort).containsExactly(true, false);
    }

    @Test
    void duplicateListenerAndClusterNamesAreRejected() throws IOException {
        String chain = "    filter_chains: [{filters: [{name: t, typed_config: {\"@type\": "
                + "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: s, cluster: c}}]}]\n";
        List<ConfigProblem> problems = problemsOf("static_resources:\n  listeners:\n"
                + "  - name: l\n    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}\n" + chain
                + "  - name: l\n    address: {socket_address: {address: 0.0.0.0, port_value: 9001}}\n" + chain
                + "  clusters:\n  - {name: c, type: STATIC}\n  - {name: c, type: STRICT_DNS}\n");
        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("static_resources.clusters[1].name",
                        "duplicate cluster name \"c\" (also static_resources.clusters[0]; expected: unique names)"),
                org.assertj.core.groups.Tuple.tuple("static_resources.listeners[1].name",
                        "duplicate listener name \"l\" (also static_resources.listeners[0]; expected: unique names)"));
    }

    @Test
    void badDurationsSayWhatIsExpected() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - {name: a, type: STATIC, connect_timeout: 5}
                  - {name: b, type: STATIC, connect_timeout: 1m}
                """);
        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("static_resources.clusters[0].connect_timeout",
                        "invalid duration \"5\" (expected seconds with an \"s\" suffix and at most 9 decimals, e.g. \"0.25s\", \"5s\", \"3600s\")"),
                org.assertj.core.groups.Tuple.tuple("static_resources.clusters[1].connect_timeout",
                        "invalid duration \"1m\" (expected seconds with an \"s\" suffix and at most 9 decimals, e.g. \"0.25s\", \"5s\", \"3600s\")"));
        // A well-formed 0s is caught by the decoder once the file reads: Envoy requires connect_timeout > 0.
        assertThat(problemsOf("static_resources:\n  clusters:\n  - {name: c, type: STATIC, connect_timeout: 0s}\n"))
                .singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo("static_resources.clusters[0].connect_timeout");
                    assertThat(p.message()).isEqualTo("0s (expected: > 0s)");
                });
    }

    @Test
    void outOfRangePortsAreRejected() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  listeners:
                  - name: l
                    address: {socket_address: {address: 0.0.0.0, port_value: 70000}}
                    filter_chains: [{filters: [{name: t, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: s, cluster: c}}]}]
                  clusters:
                  - name: c
                    type: STATIC
                    load_assignment:
                      cluster_name: c
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 0}}}}]}]
                """);
        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("static_resources.listeners[0].address.socket_address.port_value", "70000 (expected: 0-65535)"),
                org.assertj.core.groups.Tuple.tuple(
                        "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value",
                        "0 (expected: 1-65535)"));
    }

    @Test
    void staticClusterWithHostsIsToldToUseLoadAssignment() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - name: legacy
                    type: STATIC
                    hosts: [{socket_address: {address: 127.0.0.1, port_value: 80}}]
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.clusters[0].hosts");
            assertThat(p.resourceName()).isEqualTo("legacy");
            assertThat(p.message()).startsWith("\"hosts\" was removed in the Envoy v3 API (expected: load_assignment");
        });
    }

    @Test
    void staticClusterEndpointsMustBeIpLiterals() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - name: s
                    type: STATIC
                    load_assignment:
                      cluster_name: s
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: backend.local, port_value: 80}}}}]}]
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).endsWith("endpoint.address.socket_address.address");
            assertThat(p.message()).startsWith("\"backend.local\" is not an IP address (a STATIC cluster needs an IP literal");
        });
    }

    @Test
    void prioritiesThatSkipALevelAreRejected() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - name: s
                    type: STATIC
                    load_assignment:
                      cluster_name: s
                      endpoints:
                      - lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}}]
                      - priority: 2
                        lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 80}}}}]
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.clusters[0].load_assignment.endpoints");
            assertThat(p.message()).isEqualTo("priorities must be contiguous from 0 without skipping (found [0, 2], missing [1])");
        });
    }

    @Test
    void unsupportedFieldsAreErrorsNamingFieldAndResource() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - name: c
                    type: STATIC
                    dns_lookup_family: V4_ONLY
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.toString()).isEqualTo(dir.resolve("bootstrap.yaml") + ": Cluster \"c\": static_resources.clusters[0].dns_lookup_family: "
                    + "unsupported field of Cluster (Outrigger implements: circuit_breakers, common_http_protocol_options, "
                    + "connect_timeout, eds_cluster_config, http2_protocol_options, http_protocol_options, lb_policy, "
                    + "load_assignment, load_balancing_policy, max_requests_per_connection, name, outlier_detection, "
                    + "transport_socket, type, typed_extension_protocol_options, upstream_bind_config)");
        });
    }

    @Test
    void wrongValueKindsAndEnumNamesSayWhatWasExpected() throws IOException {
        List<ConfigProblem> problems = problemsOf("""
                static_resources:
                  clusters:
                  - name: c
                    type: STATICK
                    lb_policy: [ROUND_ROBIN]
                """);
        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("static_resources.clusters[0].type",
                        "unknown value \"STATICK\" (expected one of: STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST)"),
                org.assertj.core.groups.Tuple.tuple("static_resources.clusters[0].lb_policy",
                        "expected the name of a LbPolicy value, got a list"));
    }

    @Test
    void accessLogsOnAdminAreAcceptedWithAWarning() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("b.yaml", """
                admin:
                  access_log_path: /dev/null
                  address: {socket_address: {address: 127.0.0.1, port_value: 9901}}
                """), CLOCK);
        assertThat(loaded.snapshot().admin().address()).isEqualTo(new SocketAddressSpec("127.0.0.1", 9901));
        assertThat(loaded.warnings()).singleElement().satisfies(w -> {
            assertThat(w.field()).isEqualTo("admin.access_log_path");
            assertThat(w.message()).startsWith("ignored: ");
        });
        assertThat(loaded.describe()).contains("admin.access_log_path: ignored");
    }

    @Test
    void aSingleMappingWhereAListBelongsIsReadAsAListOfOneAsEnvoyDoes() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("b.yaml", """
                static_resources:
                  listeners:
                  - name: l
                    address: {socket_address: {address: 0.0.0.0, port_value: 9000}}
                    filter_chains:
                    - filters:
                        name: t
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: s, cluster: c}
                  clusters:
                  - {name: c, type: STATIC}
                """), CLOCK);
        assertThat(loaded.snapshot().listeners().get(0).filterChains().get(0).filters()).hasSize(1);
        assertThat(loaded.warnings()).singleElement().extracting(ConfigProblem::field)
                .isEqualTo("static_resources.listeners[0].filter_chains[0].filters");
    }

    @Test
    void configDumpHasEnvoysThreeSectionsWithLastUpdated() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("bootstrap.yaml", SIDECAR), CLOCK);
        JsonNode dump = new ObjectMapper().readTree(loaded.configDumpJson());
        JsonNode configs = dump.get("configs");
        assertThat(configs).hasSize(3);
        assertThat(configs.get(0).get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.BootstrapConfigDump");
        assertThat(configs.get(0).at("/bootstrap/node/id").asText()).isEqualTo("sidecar~10.0.0.7~app-1.default~default.svc.cluster.local");
        assertThat(configs.get(0).get("last_updated").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(configs.get(1).get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.ListenersConfigDump");
        JsonNode listener = configs.get(1).at("/static_listeners/0");
        assertThat(listener.at("/listener/@type").asText()).isEqualTo("type.googleapis.com/envoy.config.listener.v3.Listener");
        assertThat(listener.at("/listener/name").asText()).isEqualTo("virtualOutbound");
        // Envoy prints proto field names, and packed filter configs in full.
        assertThat(listener.at("/listener/filter_chains/0/filters/0/typed_config/stat_prefix").asText()).isEqualTo("backend");
        assertThat(listener.get("last_updated").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(configs.get(2).get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.ClustersConfigDump");
        assertThat(configs.get(2).get("static_clusters")).hasSize(3);
        assertThat(configs.get(2).at("/static_clusters/0/cluster/connect_timeout").asText()).isEqualTo("0.250s");
        assertThat(configs.get(2).at("/static_clusters/0/last_updated").asText()).isEqualTo("2026-03-01T12:00:00Z");
    }

    @Test
    void describeListsListenersChainsAndClusters() throws Exception {
        String text = BootstrapLoader.load(write("bootstrap.yaml", SIDECAR), CLOCK).describe();
        assertThat(text)
                .contains("admin 127.0.0.1:15000")
                .contains("listener \"virtualOutbound\" 0.0.0.0:15001 [use_original_dst]")
                .contains("listener filters: original_dst, tls_inspector")
                .contains("filter chain \"to-backend\" match destination_port=8080 prefix_ranges=[10.0.0.0/8] transport_protocol=raw_buffer")
                .contains("tcp_proxy stat_prefix=backend -> \"backend-v1\" (weight 90), \"backend-v2\" (weight 10) idle_timeout=disabled")
                .contains("cluster \"backend-v1\" STATIC LEAST_REQUEST connect_timeout=0.250s overprovisioning_factor=200")
                .contains("priority 1 locality (none): 10.2.0.1:8080 DRAINING")
                .contains("cluster \"passthrough\" ORIGINAL_DST CLUSTER_PROVIDED connect_timeout=5s");
    }
}
