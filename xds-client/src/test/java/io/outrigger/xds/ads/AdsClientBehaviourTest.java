package io.outrigger.xds.ads;

import static io.outrigger.xds.ads.AdsHarness.endpoints;
import static io.outrigger.xds.ads.Protos.assignment;
import static io.outrigger.xds.ads.Protos.edsCluster;
import static io.outrigger.xds.ads.Protos.listener;
import static io.outrigger.xds.ads.Protos.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.outrigger.xds.ads.AdsHarness.Mode;
import io.outrigger.xds.ads.AdsHarness.Req;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Node identity, generic warming, deduplication, the config dump, scale and NACK pacing, against the real server. */
class AdsClientBehaviourTest {
    private XdsTestServer server;
    private AdsHarness harness;

    @BeforeEach
    void startServer() throws Exception {
        server = new XdsTestServer().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        server.close();
    }

    private void simple(String version) {
        server.set(AdsHarness.NODE_ID, snapshot(version, List.of(edsCluster("backend")),
                List.of(assignment("backend", "10.0.0.1:80")), List.of(listener("inbound", 15006))));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theNodeGoesOnTheFirstRequestOfEachTypeWithItsIdentityAndLocality(Mode mode) throws Exception {
        simple("1");
        harness = new AdsHarness(mode, server).start();
        harness.awaitReady();

        for (XdsResourceType type : List.of(XdsResourceType.CLUSTER, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
                XdsResourceType.LISTENER)) {
            Req first = harness.requests(type).getFirst();
            assertThat(first.node()).as(type.shortName()).isNotNull();
            assertThat(first.node().getId()).isEqualTo(AdsHarness.NODE_ID);
            assertThat(first.node().getCluster()).isEqualTo("reviews.default");
            assertThat(first.node().getLocality().getZone()).isEqualTo("eu-west1-b");
            assertThat(first.node().getMetadata().getFieldsOrThrow("ISTIO_VERSION").getStringValue()).isEqualTo("1.24.0");
            assertThat(first.node().getUserAgentName()).isEqualTo("outrigger");
        }
        List<Req> cds = harness.requests(XdsResourceType.CLUSTER);
        if (mode.delta()) {
            assertThat(cds.getFirst().names()).as("wildcard").isEmpty();
        } else {
            assertThat(cds).allSatisfy(r -> assertThat(r.names()).as("wildcard").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aListenerWarmsUntilItsRouteConfigurationArrives(Mode mode) throws Exception {
        // A cluster too: a delta server sends nothing for an empty type, and CDS would wait for its fetch timeout.
        List<Cluster> clusters = List.of(Protos.staticCluster("local", "127.0.0.1", 8080));
        server.set(AdsHarness.NODE_ID, snapshot("1", clusters, List.of(),
                List.of(Protos.httpListener("http", 8080, "routes-1"), listener("tcp", 9000))));
        harness = new AdsHarness(mode, server, TestDecoders.withRoutes(), c -> c, s -> { }).start();

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.requests(XdsResourceType.ROUTE_CONFIGURATION)
                .stream().anyMatch(r -> r.names().contains("routes-1")));
        ConfigSnapshot warming = harness.awaitSnapshot(s -> !s.listeners().isEmpty());
        assertThat(warming.listeners()).extracting(ListenerSpec::name).containsExactly("tcp");
        assertThat(harness.client.isReady()).isFalse();
        JsonNode dump = new ObjectMapper().readTree(harness.client.configDumpJson());
        assertThat(dump.at("/configs/2/dynamic_listeners/0/name").asText()).isEqualTo("http");
        assertThat(dump.at("/configs/2/dynamic_listeners/0/warming_state/listener/name").asText()).isEqualTo("http");

        server.set(AdsHarness.NODE_ID, snapshot("2", clusters, List.of(),
                List.of(Protos.httpListener("http", 8080, "routes-1"), listener("tcp", 9000)),
                List.of(Protos.routes("routes-1"))));

        ConfigSnapshot ready = harness.awaitReady();
        assertThat(ready.listeners()).extracting(ListenerSpec::name).containsExactly("http", "tcp");
        for (XdsResourceType t : XdsResourceType.values()) {
            assertThat(harness.client.stats().get(t, AdsStats.Counter.INIT_FETCH_TIMEOUT)).as(t.shortName()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aNewVersionWithTheSameContentIsNotPublishedAgain(Mode mode) throws Exception {
        simple("1");
        harness = new AdsHarness(mode, server).start();
        harness.awaitReady();
        int before = harness.published.size();

        simple("2");
        if (!mode.delta()) {
            // java-control-plane resends every type with version 2: wait until the client took them all in.
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of(XdsResourceType.CLUSTER,
                    XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, XdsResourceType.LISTENER).stream().allMatch(t ->
                    harness.requests(t).stream().anyMatch(r -> r.version().equals("2"))));
        }
        server.set(AdsHarness.NODE_ID, snapshot("3", List.of(edsCluster("backend")),
                List.of(assignment("backend", "10.0.0.2:80")), List.of(listener("inbound", 15006))));

        ConfigSnapshot s = harness.awaitSnapshot(c -> List.of("10.0.0.2:80").equals(endpoints(c, "backend")));
        assertThat(s.versionInfo()).isEqualTo("3");
        assertThat(harness.published).hasSize(before + 1);
    }

    @Test
    void theConfigDumpHasEnvoysShapeWithVersionsAndUpdateTimes() throws Exception {
        simple("1");
        harness = new AdsHarness(Mode.SOTW, server).start();
        harness.awaitReady();

        JsonNode dump = new ObjectMapper().readTree(harness.client.configDumpJson());

        JsonNode clusters = dump.at("/configs/0");
        assertThat(clusters.get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.ClustersConfigDump");
        assertThat(clusters.get("version_info").asText()).isEqualTo("1");
        JsonNode backend = clusters.at("/dynamic_active_clusters/0");
        assertThat(backend.get("version_info").asText()).isEqualTo("1");
        assertThat(backend.at("/cluster/@type").asText()).isEqualTo("type.googleapis.com/envoy.config.cluster.v3.Cluster");
        assertThat(backend.at("/cluster/name").asText()).isEqualTo("backend");
        assertThat(backend.at("/cluster/eds_cluster_config/eds_config/ads").isObject()).isTrue();
        assertThat(Instant.parse(backend.get("last_updated").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(clusters.get("dynamic_warming_clusters")).isEmpty();
        JsonNode endpointsDump = dump.at("/configs/1");
        assertThat(endpointsDump.get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.EndpointsConfigDump");
        assertThat(endpointsDump.at("/dynamic_endpoint_configs/0/endpoint_config/cluster_name").asText())
                .isEqualTo("backend");
        JsonNode listeners = dump.at("/configs/2");
        assertThat(listeners.get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.ListenersConfigDump");
        assertThat(listeners.at("/dynamic_listeners/0/name").asText()).isEqualTo("inbound");
        assertThat(listeners.at("/dynamic_listeners/0/active_state/version_info").asText()).isEqualTo("1");
        assertThat(listeners.at("/dynamic_listeners/0/active_state/listener/address/socket_address/port_value").asInt())
                .isEqualTo(15006);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theProductionDecodersTurnATcpProxyListenerAndAnEdsClusterIntoRecords(Mode mode) throws Exception {
        Listener outbound = listener("outbound_9080", 9080).toBuilder()
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.tcp_proxy")
                        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix("reviews")
                                .setCluster("outbound|9080||reviews").build()))))
                .build();
        Cluster reviews = edsCluster("outbound|9080||reviews").toBuilder().setEdsClusterConfig(
                edsCluster("x").getEdsClusterConfig().toBuilder().setServiceName("reviews.default.svc")).build();
        server.set(AdsHarness.NODE_ID, snapshot("1", List.of(reviews),
                List.of(assignment("reviews.default.svc", "10.8.0.4:9080", "10.8.0.5:9080")), List.of(outbound)));
        harness = new AdsHarness(mode, server, XdsDecoders.envoy(), c -> c, s -> { }).start();

        ConfigSnapshot s = harness.awaitReady();

        assertThat(endpoints(s, "outbound|9080||reviews")).containsExactly("10.8.0.4:9080", "10.8.0.5:9080");
        ListenerSpec l = s.listeners().getFirst();
        assertThat(l.name()).isEqualTo("outbound_9080");
        assertThat(l.filterChains().getFirst().filters().getFirst()).isInstanceOfSatisfying(TcpProxySpec.class,
                t -> assertThat(t.clusters()).containsExactly(new WeightedClusterSpec("outbound|9080||reviews", 1)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void oneResponseOfAThousandClustersAndTenThousandEndpointsApplies(Mode mode) throws Exception {
        List<Cluster> clusters = new ArrayList<>();
        List<ClusterLoadAssignment> endpoints = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String name = "outbound|8080||svc-" + i + ".ns.svc.cluster.local";
            clusters.add(edsCluster(name));
            String[] eps = new String[10];
            for (int j = 0; j < 10; j++) {
                eps[j] = "10." + (i / 256) + "." + (i % 256) + "." + (j + 1) + ":8080";
            }
            endpoints.add(assignment(name, eps));
        }
        server.set(AdsHarness.NODE_ID, snapshot("1", clusters, endpoints, List.of(listener("outbound", 15001))));
        harness = new AdsHarness(mode, server, XdsDecoders.envoy(), c -> c, s -> { }).start();

        ConfigSnapshot s = harness.client.ready().get(120, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(s.clusters()).hasSize(1001);
        long total = s.clusters().stream().mapToLong(c -> c.loadAssignment().localities().stream()
                .mapToLong(l -> l.endpoints().size()).sum()).sum();
        assertThat(total).isEqualTo(10_000 + 1);
        assertThat(endpoints(s, "outbound|8080||svc-999.ns.svc.cluster.local")).hasSize(10)
                .contains("10.3.231.10:8080");
    }

    @Test
    void aServerThatResendsARejectedResponseGetsPacedNacksNotALoop() throws Exception {
        server.set(AdsHarness.NODE_ID, snapshot("1", List.of(edsCluster("ok"), edsCluster("bad", -1, Protos.ads())),
                List.of(assignment("ok", "10.0.0.1:80")), List.of()));
        harness = new AdsHarness(Mode.SOTW, server).start();
        harness.awaitSnapshot(s -> s.cluster("ok") != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> nacks() >= 3);

        long atStart = nacks();
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        // java-control-plane answers each NACK (version "") with the same version 1 at once; unpaced this is
        // thousands of round trips per second. Paced (100 ms doubling to 2 s) it is a handful.
        assertThat(nacks() - atStart).isLessThan(15);

        // A fixed snapshot still gets through.
        server.set(AdsHarness.NODE_ID, snapshot("2", List.of(edsCluster("ok"), edsCluster("bad")),
                List.of(assignment("ok", "10.0.0.1:80"), assignment("bad", "10.0.0.2:80")), List.of()));
        ConfigSnapshot s = harness.awaitSnapshot(c -> c.cluster("bad") != null);
        assertThat(endpoints(s, "bad")).containsExactly("10.0.0.2:80");
    }

    private long nacks() {
        return harness.requests(XdsResourceType.CLUSTER).stream().filter(r -> r.errorDetail() != null).count();
    }

    @Test
    void closingStopsTheStreamAndPublishesNothingMore() throws Exception {
        simple("1");
        harness = new AdsHarness(Mode.DELTA, server).start();
        harness.awaitReady();

        harness.client.close();
        int published = harness.published.size();
        server.set(AdsHarness.NODE_ID, snapshot("2", List.of(edsCluster("backend")),
                List.of(assignment("backend", "10.0.0.7:80")), List.of(listener("inbound", 15006))));

        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(harness.published).hasSize(published);
        assertThat(harness.client.stats().connectedState()).isZero();
    }

    @Test
    void theListenerMayCloseTheClientOnTheXdsThreadWithoutDeadlock() throws Exception {
        simple("1");
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        harness = new AdsHarness(Mode.SOTW, server, TestDecoders.decoders(), c -> c, s -> {
            if (s.cluster("backend") != null) {
                harness.client.close();
                closed.complete(null);
            }
        }).start();

        closed.get(30, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.client.stats().connectedState() == 0);
    }

    @Test
    void lastUpdatedInTheConfigDumpComesFromTheInjectedClock() throws Exception {
        simple("1");
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), java.time.ZoneOffset.UTC);
        AdsConfig config = AdsConfig.of(false, "xds_cluster",
                new io.outrigger.xds.snapshot.SocketAddressSpec("127.0.0.1", server.port()));
        try (AdsClient client = AdsClient.builder(config, AdsHarness.STATICS, TestDecoders.decoders())
                .node(AdsHarness.NODE).clock(clock).build()) {
            client.start();
            client.ready().get(30, java.util.concurrent.TimeUnit.SECONDS);

            JsonNode dump = new ObjectMapper().readTree(client.configDumpJson());

            assertThat(dump.at("/configs/0/dynamic_active_clusters/0/last_updated").asText())
                    .isEqualTo("2026-03-01T12:00:00Z");
            assertThat(dump.at("/configs/2/dynamic_listeners/0/active_state/last_updated").asText())
                    .isEqualTo("2026-03-01T12:00:00Z");
        }
    }
}
