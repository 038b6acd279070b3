package io.outrigger.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.config.LoadedBootstrap;
import io.outrigger.xds.config.XdsBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a bootstrap file on disk to a running ADS client. */
class XdsBootstrapTest {
    @TempDir
    Path dir;

    @Test
    void aStaticOnlyBootstrapHasNoAdsClient() throws Exception {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, """
                node: {id: sidecar, cluster: reviews}
                static_resources:
                  clusters:
                  - name: local
                    type: STATIC
                    connect_timeout: 1s
                    load_assignment:
                      cluster_name: local
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}}]}]
                """);
        LoadedBootstrap loaded = BootstrapLoader.load(file);

        assertThat(XdsBootstrap.adsConfig(loaded)).isEmpty();
        assertThat(XdsBootstrap.adsClient(loaded)).isEmpty();
    }

    @Test
    void aBootstrapWithAdsConfigRunsAgainstTheControlPlaneItNames() throws Exception {
        try (XdsTestServer server = new XdsTestServer().start()) {
            server.set("sidecar-1", Protos.snapshot("1", List.of(Protos.edsCluster("backend")),
                    List.of(Protos.assignment("backend", "10.0.0.1:80")),
                    List.of(Protos.tcpProxyListener("inbound", 15006, "backend"))));
            Path file = dir.resolve("bootstrap.yaml");
            // The shape of Envoy's own ADS example (examples/dynamic-config-cp), pointed at the test server.
            Files.writeString(file, """
                    node: {id: sidecar-1, cluster: reviews}
                    dynamic_resources:
                      ads_config:
                        api_type: DELTA_GRPC
                        transport_api_version: V3
                        grpc_services:
                        - envoy_grpc: {cluster_name: xds_cluster}
                      cds_config: {ads: {}, resource_api_version: V3}
                      lds_config: {ads: {}, resource_api_version: V3}
                    static_resources:
                      clusters:
                      - name: xds_cluster
                        type: STATIC
                        connect_timeout: 1s
                        typed_extension_protocol_options:
                          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                            "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                            explicit_http_config: {http2_protocol_options: {}}
                        load_assignment:
                          cluster_name: xds_cluster
                          endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
                    """.formatted(server.port()));
            LoadedBootstrap loaded = BootstrapLoader.load(file);
            assertThat(loaded.warnings()).extracting(ConfigProblem::toString).anySatisfy(w -> assertThat(w)
                    .contains("typed_extension_protocol_options").contains("ignored"));

            try (AdsClient client = XdsBootstrap.adsClient(loaded).orElseThrow().build()) {
                client.start();
                ConfigSnapshot s = client.ready().get(30, TimeUnit.SECONDS);

                assertThat(s.clusters()).extracting(ClusterSpec::name).containsExactly("xds_cluster", "backend");
                assertThat(AdsHarness.endpoints(s, "backend")).containsExactly("10.0.0.1:80");
                assertThat(s.listeners()).extracting(ListenerSpec::name).containsExactly("inbound");
                assertThat(s.node().id()).isEqualTo("sidecar-1");
                for (XdsResourceType t : XdsResourceType.values()) {
                    assertThat(client.stats().get(t, AdsStats.Counter.UPDATE_REJECTED)).as(t.shortName()).isZero();
                }
                assertThat(server.deltaRequests.getFirst().getNode().getId()).isEqualTo("sidecar-1");
                JsonNode dump = new ObjectMapper().readTree(client.configDumpJson());
                assertThat(dump.at("/configs/0/static_clusters/0/cluster/name").asText()).isEqualTo("xds_cluster");
                assertThat(dump.at("/configs/0/dynamic_active_clusters/0/cluster/name").asText()).isEqualTo("backend");
            }
        }
    }

    @Test
    void fileBasedDynamicResourcesAreRejectedByTheLoaderNamingTheField() throws Exception {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, """
                node: {id: sidecar, cluster: reviews}
                dynamic_resources:
                  cds_config: {path_config_source: {path: /etc/envoy/cds.yaml}}
                """);

        assertThatThrownBy(() -> BootstrapLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::field).containsExactly("dynamic_resources.cds_config"));
    }

    @Test
    void aStaticEdsClusterTakesItsEndpointsFromTheAdsStreamAndReadinessWaitsForThem() throws Exception {
        try (XdsTestServer server = new XdsTestServer().start()) {
            server.set("sidecar-2", Protos.snapshot("1", List.of(), List.of(Protos.assignment("payments", "10.0.9.1:443")),
                    List.of()));
            Path file = dir.resolve("bootstrap.yaml");
            Files.writeString(file, """
                    node: {id: sidecar-2, cluster: shop}
                    dynamic_resources:
                      ads_config:
                        api_type: GRPC
                        transport_api_version: V3
                        grpc_services: [{envoy_grpc: {cluster_name: xds_cluster}}]
                    static_resources:
                      clusters:
                      - name: payments
                        type: EDS
                        connect_timeout: 1s
                        eds_cluster_config: {eds_config: {ads: {}, resource_api_version: V3}}
                      - name: xds_cluster
                        type: STATIC
                        connect_timeout: 1s
                        load_assignment:
                          cluster_name: xds_cluster
                          endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
                    """.formatted(server.port()));
            LoadedBootstrap loaded = BootstrapLoader.load(file);

            try (AdsClient client = XdsBootstrap.adsClient(loaded).orElseThrow().build()) {
                client.start();
                ConfigSnapshot s = client.ready().get(30, TimeUnit.SECONDS);

                assertThat(s.clusters()).extracting(ClusterSpec::name).containsExactly("payments", "xds_cluster");
                assertThat(AdsHarness.endpoints(s, "payments")).containsExactly("10.0.9.1:443");
                assertThat(server.requests).anySatisfy(r -> assertThat(r.getResourceNamesList()).containsExactly("payments"));
            }
        }
    }
}
