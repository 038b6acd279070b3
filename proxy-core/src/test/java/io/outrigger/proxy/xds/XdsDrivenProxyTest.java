package io.outrigger.proxy.xds;

import static io.outrigger.proxy.xds.XdsResources.NODE_ID;
import static io.outrigger.proxy.xds.XdsResources.assignment;
import static io.outrigger.proxy.xds.XdsResources.edsCluster;
import static io.outrigger.proxy.xds.XdsResources.snapshot;
import static io.outrigger.proxy.xds.XdsResources.tcpListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.Ports;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy driven by the real java-control-plane server over ADS, state of the world and delta:
 * listeners and clusters pushed by the server become traffic behaviour, updates apply without
 * disturbing open connections, bad resources are rejected alone, and an outage of the control plane
 * does not disturb traffic.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class XdsDrivenProxyTest {
    private static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(60);
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static boolean hasHost(XdsProxy proxy, String cluster, int port) {
        for (ClusterRuntime c : proxy.server.clusters()) {
            if (c.name().equals(cluster) && c.hosts().stream().anyMatch(h -> h.socketAddress().getPort() == port)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "delta={0}")
    @ValueSource(booleans = {false, true})
    void aListenerAddedOverXdsProxiesToEdsEndpointsAndAnEdsChangeMovesOnlyNewConnections(boolean delta)
            throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend first = Backend.echo(); Backend second = Backend.echo()) {
            Listener ingress = tcpListener("ingress", 0, "backend");
            cp.set(NODE_ID, snapshot("1", List.of(edsCluster("backend")), List.of(assignment("backend", first.port())),
                    List.of(ingress)));
            try (XdsProxy proxy = XdsProxy.start(XdsResources.bootstrap(dir, cp.port(), delta), DRAIN)) {
                proxy.xds.ready().get(60, TimeUnit.SECONDS);
                InetSocketAddress address = proxy.listener("ingress");
                assertThat(address).as("listener from LDS is bound").isNotNull();
                try (Socket open = XdsProxy.echoConnection(address)) {
                    assertThat(first.accepted()).isEqualTo(1);

                    cp.set(NODE_ID, snapshot("2", List.of(edsCluster("backend")),
                            List.of(assignment("backend", second.port())), List.of(ingress)));
                    await().atMost(WAIT).until(() -> hasHost(proxy, "backend", second.port()));

                    try (Socket fresh = XdsProxy.echoConnection(address)) {
                        assertThat(second.accepted()).as("the new connection goes to the new endpoint").isEqualTo(1);
                    }
                    XdsProxy.roundTrip(open, 7);
                    assertThat(first.accepted()).as("the open connection keeps its upstream").isEqualTo(1);
                    assertThat(proxy.listener("ingress")).as("not rebound").isEqualTo(address);
                }
            }
        }
    }

    @ParameterizedTest(name = "delta={0}")
    @ValueSource(booleans = {false, true})
    void aListenerRemovedOverXdsStopsAcceptingWhileItsOpenConnectionCompletes(boolean delta) throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend backend = Backend.echo()) {
            List<Cluster> clusters = List.of(edsCluster("backend"));
            List<ClusterLoadAssignment> endpoints = List.of(assignment("backend", backend.port()));
            Listener other = tcpListener("other", 0, "backend");
            cp.set(NODE_ID, snapshot("1", clusters, endpoints, List.of(tcpListener("ingress", 0, "backend"), other)));
            try (XdsProxy proxy = XdsProxy.start(XdsResources.bootstrap(dir, cp.port(), delta), DRAIN)) {
                proxy.xds.ready().get(60, TimeUnit.SECONDS);
                InetSocketAddress address = proxy.listener("ingress");
                try (Socket open = XdsProxy.echoConnection(address)) {

                    cp.set(NODE_ID, snapshot("2", clusters, endpoints, List.of(other)));

                    await().atMost(WAIT).until(() -> proxy.listener("ingress") == null);
                    await().atMost(WAIT).until(() -> !Ports.listening(address.getPort()));
                    XdsProxy.roundTrip(open, 9);
                    open.shutdownOutput();
                    assertThat(open.getInputStream().read()).as("the echo backend's FIN, forwarded").isEqualTo(-1);
                    assertThat(proxy.stat("listener_manager.listener_removed")).isEqualTo(1);
                    assertThat(XdsProxy.echoes(proxy.listener("other"))).isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "delta={0}")
    @ValueSource(booleans = {false, true})
    void noTrafficReachesAClusterBeforeItsEndpointsAndReadyFlipsOnlyAfterTheFirstFullConfiguration(boolean delta)
            throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend backend = Backend.echo()) {
            // Endpoints may take up to 60 s to come, so the cluster warms for the whole test.
            Cluster warming = edsCluster("backend").toBuilder().setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                    .setEdsConfig(XdsResources.ads().toBuilder().setInitialFetchTimeout(Duration.newBuilder().setSeconds(60))))
                    .build();
            Listener ingress = tcpListener("ingress", 0, "backend");
            cp.set(NODE_ID, snapshot("1", List.of(warming), List.of(), List.of(ingress)));
            try (XdsProxy proxy = XdsProxy.start(XdsResources.bootstrap(dir, cp.port(), delta), DRAIN)) {
                await().atMost(WAIT).until(() -> proxy.listener("ingress") != null);
                assertThat(proxy.admin("/ready").statusCode()).isEqualTo(503);
                assertThat(proxy.admin("/ready").body()).isEqualTo("INITIALIZING\n");
                try (Socket s = new Socket(proxy.listener("ingress").getAddress(), proxy.listener("ingress").getPort())) {
                    s.setSoTimeout(30_000);
                    assertThat(s.getInputStream().read()).as("closed: the cluster is still warming").isEqualTo(-1);
                }
                assertThat(backend.accepted()).isZero();
                assertThat(proxy.stat("tcp.ingress.downstream_cx_no_route")).isEqualTo(1);

                cp.set(NODE_ID, snapshot("2", List.of(warming), List.of(assignment("backend", backend.port())),
                        List.of(ingress)));

                proxy.xds.ready().get(60, TimeUnit.SECONDS);
                // The client's readiness completes on the xDS thread; the server publishes LIVE right
                // after it applies that snapshot, so /ready follows within moments, not atomically.
                await().atMost(WAIT).until(() -> proxy.admin("/ready").statusCode() == 200);
                assertThat(XdsProxy.echoes(proxy.listener("ingress"))).isTrue();
                assertThat(backend.accepted()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "delta={0}")
    @ValueSource(booleans = {false, true})
    void aBadResourcePushedWithGoodOnesIsRejectedAloneAndItsPreviousVersionKeepsServing(boolean delta)
            throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend first = Backend.echo(); Backend second = Backend.echo()) {
            Listener ingress = tcpListener("ingress", 0, "backend");
            ClusterLoadAssignment backendEndpoints = assignment("backend", first.port());
            cp.set(NODE_ID, snapshot("1", List.of(edsCluster("backend")), List.of(backendEndpoints), List.of(ingress)));
            try (XdsProxy proxy = XdsProxy.start(XdsResources.bootstrap(dir, cp.port(), delta), DRAIN)) {
                proxy.xds.ready().get(60, TimeUnit.SECONDS);
                assertThat(proxy.stat("cluster_manager.cds.update_rejected")).isZero();
                Cluster bad = edsCluster("backend").toBuilder()
                        .setConnectTimeout(Duration.newBuilder().setSeconds(-1)).build();

                cp.set(NODE_ID, snapshot("2", List.of(bad, edsCluster("extra")),
                        List.of(backendEndpoints, assignment("extra", second.port())),
                        List.of(ingress, tcpListener("extra", 0, "extra"))));

                await().atMost(WAIT).until(() -> proxy.listener("extra") != null && hasHost(proxy, "extra", second.port()));
                assertThat(XdsProxy.echoes(proxy.listener("extra"))).as("the good resources apply").isTrue();
                assertThat(second.accepted()).isEqualTo(1);
                assertThat(XdsProxy.echoes(proxy.listener("ingress"))).as("the bad cluster's previous version").isTrue();
                assertThat(first.accepted()).isEqualTo(1);
                await().atMost(WAIT).until(() -> proxy.stat("cluster_manager.cds.update_rejected") >= 1);
                assertThat(cp.nacks).anySatisfy(m -> assertThat(m).contains("backend").contains("connect_timeout"));
                assertThat(proxy.admin("/stats/prometheus").body())
                        .containsPattern("(?m)^envoy_cluster_manager_cds_update_rejected [1-9]");
            }
        }
    }

    @ParameterizedTest(name = "delta={0}")
    @ValueSource(booleans = {false, true})
    void trafficKeepsFlowingWhileTheControlPlaneIsDownAndALaterPushApplies(boolean delta) throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend first = Backend.echo(); Backend second = Backend.echo()) {
            Listener ingress = tcpListener("ingress", 0, "backend");
            cp.set(NODE_ID, snapshot("1", List.of(edsCluster("backend")), List.of(assignment("backend", first.port())),
                    List.of(ingress)));
            try (XdsProxy proxy = XdsProxy.start(XdsResources.bootstrap(dir, cp.port(), delta), DRAIN)) {
                proxy.xds.ready().get(60, TimeUnit.SECONDS);
                InetSocketAddress address = proxy.listener("ingress");
                assertThat(proxy.stat("control_plane.connected_state")).isEqualTo(1);

                cp.stop();
                await().atMost(WAIT).until(() -> proxy.stat("control_plane.connected_state") == 0);
                // A client keeps opening connections during the outage (bounded: 4 s or 400 connections).
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                int ok = 0;
                for (int i = 0; i < 400 && System.nanoTime() < end; i++) {
                    try (Socket s = XdsProxy.echoConnection(address)) {
                        ok++;
                    }
                }
                assertThat(ok).as("every connection during the outage succeeded").isPositive();
                assertThat(first.accepted()).isEqualTo(ok);
                cp.restart();

                cp.set(NODE_ID, snapshot("2", List.of(edsCluster("backend")),
                        List.of(assignment("backend", second.port())), List.of(ingress)));
                await().atMost(WAIT).until(() -> hasHost(proxy, "backend", second.port()));
                assertThat(proxy.stat("control_plane.connected_state")).as("the stream is back").isEqualTo(1);
                assertThat(XdsProxy.echoes(address)).isTrue();
                assertThat(second.accepted()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "delta={0}")
    @ValueSource(booleans = {false, true})
    void theConfigDumpShowsStaticAndDynamicResourcesAndTheXdsStatsCarryEnvoysNames(boolean delta) throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend backend = Backend.echo()) {
            cp.set(NODE_ID, snapshot("7", List.of(edsCluster("backend")), List.of(assignment("backend", backend.port())),
                    List.of(tcpListener("ingress", 0, "backend"))));
            try (XdsProxy proxy = XdsProxy.start(XdsResources.bootstrap(dir, cp.port(), delta), DRAIN)) {
                proxy.xds.ready().get(60, TimeUnit.SECONDS);

                JsonNode dump = new ObjectMapper().readTree(proxy.admin("/config_dump").body());

                JsonNode configs = dump.path("configs");
                assertThat(configs.get(0).path("@type").asText()).endsWith("envoy.admin.v3.BootstrapConfigDump");
                JsonNode clusters = configs.get(1);
                assertThat(clusters.path("@type").asText()).endsWith("envoy.admin.v3.ClustersConfigDump");
                assertThat(clusters.at("/static_clusters/0/cluster/name").asText()).isEqualTo("xds_cluster");
                assertThat(clusters.at("/static_clusters/0/last_updated").asText()).isNotEmpty();
                assertThat(clusters.at("/dynamic_active_clusters/0/cluster/name").asText()).isEqualTo("backend");
                // SotW: the response's version; delta: the resource's own version (java-control-plane: a hash).
                String clusterVersion = clusters.at("/dynamic_active_clusters/0/version_info").asText();
                if (delta) {
                    assertThat(clusterVersion).isNotEmpty();
                } else {
                    assertThat(clusterVersion).isEqualTo("7");
                }
                JsonNode listeners = null;
                for (JsonNode c : configs) {
                    if (c.path("@type").asText().endsWith("ListenersConfigDump")) {
                        listeners = c;
                    }
                }
                assertThat(listeners).isNotNull();
                assertThat(listeners.at("/dynamic_listeners/0/name").asText()).isEqualTo("ingress");
                if (!delta) {
                    assertThat(listeners.at("/dynamic_listeners/0/active_state/version_info").asText()).isEqualTo("7");
                }
                assertThat(listeners.at("/dynamic_listeners/0/active_state/last_updated").asText()).isNotEmpty();

                String prometheus = proxy.admin("/stats/prometheus").body();
                assertThat(prometheus)
                        .containsPattern("(?m)^envoy_control_plane_connected_state 1")
                        .containsPattern("(?m)^envoy_cluster_manager_cds_update_success [1-9]")
                        .containsPattern("(?m)^envoy_cluster_manager_cds_update_attempt [1-9]")
                        .containsPattern("(?m)^envoy_cluster_manager_cds_update_rejected 0")
                        .containsPattern("(?m)^envoy_listener_manager_lds_update_success [1-9]")
                        .containsPattern("(?m)^envoy_listener_manager_lds_update_rejected 0")
                        .containsPattern("(?m)^envoy_listener_manager_lds_init_fetch_timeout 0")
                        .containsPattern("(?m)^envoy_cluster_manager_cds_init_fetch_timeout 0");
                assertThat(proxy.admin("/ready").statusCode()).isEqualTo(200);
            }
        }
    }

}
