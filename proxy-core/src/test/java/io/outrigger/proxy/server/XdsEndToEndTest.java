package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.OutriggerProcess;
import io.outrigger.proxy.testing.Ports;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher driven by a real xDS server (java-control-plane, ADS): it stays INITIALIZING until
 * the first configuration arrives, serves it, and follows an endpoint update without a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class XdsEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static Cluster cluster(String name, int port) {
        return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(Duration.newBuilder().setSeconds(1))
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(
                        LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                                Endpoint.newBuilder().setAddress(address(port))))))
                .build();
    }

    private static Address address(int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
                .setPortValue(port)).build();
    }

    private static Listener tcpListener(String name, int port, String cluster) {
        return Listener.newBuilder().setName(name).setAddress(address(port))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.tcp_proxy")
                        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(name).setCluster(cluster)
                                .build()))))
                .build();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void echo(int port, int value) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(value);
            assertThat(s.getInputStream().read()).isEqualTo(value);
        }
    }

    @Test
    void adsConfigurationIsServedAfterTheFirstFetchAndEndpointUpdatesApplyWithoutRestart() throws Exception {
        SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
        Server xds = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
        int admin = Ports.free();
        int listenerPort = Ports.free();
        try (Backend a = Backend.echo(); Backend b = Backend.echo()) {
            Path bootstrap = dir.resolve("ads.yaml");
            Files.writeString(bootstrap, """
                    node: {id: sidecar-1, cluster: reviews}
                    admin:
                      address: {socket_address: {address: 127.0.0.1, port_value: %d}}
                    dynamic_resources:
                      ads_config:
                        api_type: GRPC
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
                        load_assignment:
                          cluster_name: xds_cluster
                          endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
                    """.formatted(admin, xds.getPort()));
            try (OutriggerProcess p = OutriggerProcess.start(dir, "-c", bootstrap.toString(), "--concurrency", "2")) {
                await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> get(admin, "/ready").statusCode() == 503);
                assertThat(get(admin, "/ready").body()).isEqualTo("INITIALIZING\n");

                cache.setSnapshot("sidecar-1", Snapshot.create(List.of(cluster("backend", a.port())), List.of(),
                        List.of(tcpListener("inbound", listenerPort, "backend")), List.of(), List.of(), "1"));
                await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> get(admin, "/ready").body().equals("LIVE\n"));
                echo(listenerPort, 1);
                assertThat(a.accepted()).isEqualTo(1);

                cache.setSnapshot("sidecar-1", Snapshot.create(List.of(cluster("backend", b.port())), List.of(),
                        List.of(tcpListener("inbound", listenerPort, "backend")), List.of(), List.of(), "2"));
                await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        assertThat(get(admin, "/clusters").body()).contains("backend::127.0.0.1:" + b.port() + "::"));
                echo(listenerPort, 2);

                assertThat(b.accepted()).isEqualTo(1);
                assertThat(a.accepted()).isEqualTo(1);
                assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/quitquitquit"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(200);
                assertThat(p.exitCode(java.time.Duration.ofSeconds(60))).as(p.output()).isZero();
            }
        } finally {
            xds.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
