package io.outrigger.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code dynamic_resources} of real bootstraps from the shared corpus, and of broken ones. */
class AdsConfigTest {
    private static final Path CORPUS = Path.of("/work/shared/corpus");
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(
            JsonFormat.TypeRegistry.newBuilder().add(HttpProtocolOptions.getDescriptor()).build());

    private static Bootstrap bootstrap(JsonNode json) throws Exception {
        Bootstrap.Builder b = Bootstrap.newBuilder();
        PARSER.merge(json.toString(), b);
        return b.build();
    }

    private static Bootstrap yaml(String text) throws Exception {
        return bootstrap(new ObjectMapper(new YAMLFactory()).readTree(text));
    }

    @Test
    void envoysAdsExampleTalksStateOfTheWorldToItsStrictDnsCluster() throws Exception {
        Bootstrap b = bootstrap(new ObjectMapper(new YAMLFactory()).readTree(
                Files.readString(CORPUS.resolve("envoy/examples-dynamic-config-cp-ads.yaml"))));

        AdsConfig c = AdsConfig.fromBootstrap(b, "examples-dynamic-config-cp-ads.yaml").orElseThrow();

        assertThat(c.delta()).isFalse();
        assertThat(c.serverCluster()).isEqualTo("xds_cluster");
        assertThat(c.serverTarget()).isEqualTo("dns:///go-control-plane:18000");
        assertThat(c.subscribeClusters()).isTrue();
        assertThat(c.subscribeListeners()).isTrue();
        // Envoy's defaults: 15 s initial fetch timeout, node on every request, 500 ms..30 s backoff.
        assertThat(c.clustersInitialFetchTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.listenersInitialFetchTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.nodeOnFirstMessageOnly()).isFalse();
        assertThat(c.retryBackoffBase()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void istiosSidecarBootstrapTalksDeltaToTheAgentsUnixSocketAndWaitsForever() throws Exception {
        JsonNode full = new ObjectMapper().readTree(Files.readString(CORPUS.resolve("istio/bootstrap-all-golden.json")));
        ObjectNode slim = new ObjectMapper().createObjectNode();
        slim.set("dynamic_resources", full.get("dynamic_resources"));
        ArrayNode clusters = slim.putObject("static_resources").putArray("clusters");
        for (JsonNode c : full.get("static_resources").get("clusters")) {
            if (c.get("name").asText().equals("xds-grpc")) {
                clusters.add(c);
            }
        }

        AdsConfig c = AdsConfig.fromBootstrap(bootstrap(slim), "bootstrap-all-golden.json").orElseThrow();

        assertThat(c.delta()).isTrue();
        assertThat(c.serverCluster()).isEqualTo("xds-grpc");
        assertThat(c.serverTarget()).isEqualTo("unix:///tmp/XDS");
        assertThat(c.nodeOnFirstMessageOnly()).isTrue();
        assertThat(c.clustersInitialFetchTimeout()).isZero();
        assertThat(c.listenersInitialFetchTimeout()).isZero();
    }

    @Test
    void aStaticOnlyBootstrapHasNoAdsConfig() throws Exception {
        assertThat(AdsConfig.fromBootstrap(yaml("static_resources: {clusters: []}"), "b.yaml")).isEmpty();
    }

    @Test
    void everyUnsupportedAdsSettingIsReportedWithItsField() throws Exception {
        Bootstrap b = yaml("""
                dynamic_resources:
                  ads_config:
                    api_type: REST
                    transport_api_version: V2
                    grpc_services:
                    - google_grpc: {target_uri: "xds:443", stat_prefix: xds}
                  cds_config: {path: /etc/envoy/cds.yaml}
                  lds_config: {ads: {}, initial_fetch_timeout: 2s}
                """);

        assertThatThrownBy(() -> AdsConfig.fromBootstrap(b, "bootstrap.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly(
                                "bootstrap.yaml: dynamic_resources.cds_config: file-based xDS (path) is not supported"
                                        + " (expected: ads: {}, one ADS stream for everything)",
                                "bootstrap.yaml: dynamic_resources.ads_config.api_type: REST (expected: GRPC or DELTA_GRPC)",
                                "bootstrap.yaml: dynamic_resources.ads_config.transport_api_version: V2 (expected: V3)",
                                "bootstrap.yaml: dynamic_resources.ads_config.grpc_services[0]: only envoy_grpc is supported"));
    }

    @Test
    void theServerClusterMustBeAStaticClusterWithAnAddress() throws Exception {
        Bootstrap missing = yaml("""
                dynamic_resources:
                  ads_config: {api_type: GRPC, grpc_services: [{envoy_grpc: {cluster_name: xds}}]}
                  cds_config: {ads: {}}
                """);
        assertThatThrownBy(() -> AdsConfig.fromBootstrap(missing, "b.yaml"))
                .hasMessage("b.yaml: dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name:"
                        + " \"xds\" is not a cluster of static_resources");

        Bootstrap eds = yaml("""
                dynamic_resources:
                  ads_config: {api_type: DELTA_GRPC, grpc_services: [{envoy_grpc: {cluster_name: xds}}]}
                static_resources:
                  clusters:
                  - {name: xds, type: EDS, eds_cluster_config: {eds_config: {ads: {}}}}
                """);
        assertThatThrownBy(() -> AdsConfig.fromBootstrap(eds, "b.yaml"))
                .hasMessage("b.yaml: Cluster \"xds\": static_resources.clusters[0].type: EDS (expected: STATIC,"
                        + " STRICT_DNS or LOGICAL_DNS for the xDS server cluster)\n"
                        + "b.yaml: Cluster \"xds\": static_resources.clusters[0].load_assignment: no endpoint with a"
                        + " socket_address or pipe (expected: the xDS server's address)");
    }

    @Test
    void retryBackOffAndMessageSizeComeFromEnvoyGrpc() throws Exception {
        Bootstrap b = yaml("""
                dynamic_resources:
                  ads_config:
                    api_type: GRPC
                    set_node_on_first_message_only: true
                    grpc_services:
                    - envoy_grpc:
                        cluster_name: xds
                        retry_policy: {retry_back_off: {base_interval: 0.25s, max_interval: 5s}}
                        max_receive_message_length: 8388608
                  lds_config: {ads: {}, initial_fetch_timeout: 2s}
                static_resources:
                  clusters:
                  - name: xds
                    type: STATIC
                    load_assignment:
                      cluster_name: xds
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: "::1", port_value: 18000}}}}]}]
                """);

        AdsConfig c = AdsConfig.fromBootstrap(b, "b.yaml").orElseThrow();

        assertThat(c.serverTarget()).isEqualTo("dns:///[::1]:18000");
        assertThat(c.retryBackoffBase()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxReceiveMessageBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.subscribeListeners()).isTrue();
        assertThat(c.subscribeClusters()).isFalse();
        assertThat(c.listenersInitialFetchTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.nodeOnFirstMessageOnly()).isTrue();
    }
}
