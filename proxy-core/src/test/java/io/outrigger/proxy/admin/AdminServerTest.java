package io.outrigger.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin endpoints after known traffic: 3 connections of 1000 bytes each way through a
 * tcp_proxy, so every counter the test reads has an exact expected value.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECTIONS = 3;
    private static final int BYTES = 1000;

    private Backend backend;
    private ProxyServer server;
    private int listenerPort;
    private int adminPort;

    @BeforeEach
    void start() throws Exception {
        backend = Backend.echo();
        listenerPort = Ports.free();
        ClusterSpec cluster = Snapshots.cluster("backend", ClusterSpec.DiscoveryType.STATIC, Duration.ofSeconds(1),
                List.of(new LocalityEndpointsSpec(new LocalitySpec("eu-west1", "eu-west1-b", "rack7"), 0, 0,
                        List.of(new EndpointSpec(new SocketAddressSpec("127.0.0.1", backend.port()), 3,
                                EndpointSpec.Health.HEALTHY, Map.of())))));
        server = InProcessProxy.start(Snapshots.snapshot(0,
                List.of(Snapshots.tcpListener("main", listenerPort, Snapshots.tcpProxy("ingress", "backend"))),
                List.of(cluster)));
        adminPort = server.adminAddress().getPort();
        for (int i = 0; i < CONNECTIONS; i++) {
            try (Socket s = new Socket("127.0.0.1", listenerPort)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(new byte[BYTES]);
                s.shutdownOutput();
                assertThat(s.getInputStream().readAllBytes()).hasSize(BYTES);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.stats().value("cluster.backend.upstream_cx_active") == 0
                        && server.stats().value("listener.127.0.0.1_" + listenerPort + ".downstream_cx_active") == 0);
    }

    @AfterEach
    void stop() {
        server.close();
        backend.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyIsLiveWith200OnceListenersAreBound() throws Exception {
        HttpResponse<String> r = get("/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("LIVE\n");
    }

    @Test
    void prometheusShowsEnvoyNamesAndTagsWithExactCounts() throws Exception {
        HttpResponse<String> r = get("/stats/prometheus");
        String body = r.body();

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String listener = "envoy_listener_address=\"127.0.0.1_" + listenerPort + "\"";
        assertThat(sample(body, "envoy_listener_downstream_cx_total{" + listener + "}")).isEqualTo(CONNECTIONS);
        assertThat(sample(body, "envoy_listener_downstream_cx_active{" + listener + "}")).isZero();
        assertThat(sample(body, "envoy_cluster_upstream_cx_total{envoy_cluster_name=\"backend\"}")).isEqualTo(CONNECTIONS);
        assertThat(sample(body, "envoy_cluster_upstream_cx_connect_fail{envoy_cluster_name=\"backend\"}")).isZero();
        assertThat(sample(body, "envoy_cluster_upstream_cx_rx_bytes_total{envoy_cluster_name=\"backend\"}"))
                .isEqualTo(CONNECTIONS * BYTES);
        assertThat(sample(body, "envoy_cluster_upstream_cx_tx_bytes_total{envoy_cluster_name=\"backend\"}"))
                .isEqualTo(CONNECTIONS * BYTES);
        assertThat(sample(body, "envoy_tcp_downstream_cx_total{envoy_tcp_prefix=\"ingress\"}")).isEqualTo(CONNECTIONS);
        assertThat(sample(body, "envoy_tcp_downstream_cx_rx_bytes_total{envoy_tcp_prefix=\"ingress\"}"))
                .isEqualTo(CONNECTIONS * BYTES);
        assertThat(sample(body, "envoy_tcp_downstream_cx_tx_bytes_total{envoy_tcp_prefix=\"ingress\"}"))
                .isEqualTo(CONNECTIONS * BYTES);
        assertThat(sample(body, "envoy_cluster_membership_total{envoy_cluster_name=\"backend\"}")).isEqualTo(1);
    }

    @Test
    void statsTextUsesEnvoysDottedNames() throws Exception {
        String body = get("/stats").body();
        assertThat(body).contains("cluster.backend.upstream_cx_total: " + CONNECTIONS + "\n",
                "listener.127.0.0.1_" + listenerPort + ".downstream_cx_total: " + CONNECTIONS + "\n",
                "tcp.ingress.downstream_cx_total: " + CONNECTIONS + "\n");
    }

    @Test
    void clustersTextListsEveryHostWithStatsHealthWeightAndLocality() throws Exception {
        String body = get("/clusters").body();
        String host = "backend::127.0.0.1:" + backend.port() + "::";
        assertThat(body).contains(host + "cx_active::0\n", host + "cx_total::" + CONNECTIONS + "\n",
                host + "cx_connect_fail::0\n", host + "rq_total::" + CONNECTIONS + "\n",
                host + "health_flags::healthy\n", host + "weight::3\n", host + "region::eu-west1\n",
                host + "zone::eu-west1-b\n", host + "sub_zone::rack7\n", host + "priority::0\n");
    }

    @Test
    void clustersJsonHasClusterStatusesWithHostStats() throws Exception {
        JsonNode root = JSON.readTree(get("/clusters?format=json").body());
        JsonNode cluster = root.path("cluster_statuses").get(0);
        JsonNode host = cluster.path("host_statuses").get(0);

        assertThat(cluster.path("name").asText()).isEqualTo("backend");
        assertThat(host.path("address").path("socket_address").path("port_value").asInt()).isEqualTo(backend.port());
        assertThat(host.path("weight").asInt()).isEqualTo(3);
        assertThat(host.path("health_status").path("eds_health_status").asText()).isEqualTo("HEALTHY");
        assertThat(host.path("locality").path("zone").asText()).isEqualTo("eu-west1-b");
        JsonNode cxTotal = null;
        for (JsonNode stat : host.path("stats")) {
            if (stat.path("name").asText().equals("cx_total")) {
                cxTotal = stat;
            }
        }
        assertThat(cxTotal).isNotNull();
        assertThat(cxTotal.path("value").asText()).isEqualTo(String.valueOf(CONNECTIONS));
    }

    @Test
    void serverInfoReportsStateTransportAndConcurrency() throws Exception {
        JsonNode info = JSON.readTree(get("/server_info").body());
        assertThat(info.path("state").asText()).isEqualTo("LIVE");
        assertThat(info.path("transport").asText()).isEqualTo(server.transport().name());
        assertThat(info.path("concurrency").asInt()).isEqualTo(2);
        assertThat(info.path("command_line_options").path("drain_time").asText()).isEqualTo("5s");
        assertThat(info.path("node").path("id").asText()).isEqualTo("test-node");
    }

    @Test
    void configDumpServesTheLoadersJson() throws Exception {
        HttpResponse<String> r = get("/config_dump");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).has("configs")).isTrue();
    }

    @Test
    void drainListenersNeedsPostAndThenRefusesNewConnections() throws Exception {
        assertThat(get("/drain_listeners").statusCode()).isEqualTo(405);
        assertThat(Ports.listening(listenerPort)).isTrue();

        assertThat(post("/drain_listeners").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.listening(listenerPort));
    }

    @Test
    void quitQuitQuitDrainsAndStopsTheServer() throws Exception {
        assertThat(post("/quitquitquit").statusCode()).isEqualTo(200);

        server.terminated().get(30, TimeUnit.SECONDS);
        assertThat(Ports.listening(listenerPort)).isFalse();
        assertThat(Ports.listening(adminPort)).isFalse();
    }

    /** The value of one Prometheus sample line, e.g. {@code name{tags} 3.0}. */
    private static long sample(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + exposition);
    }
}
