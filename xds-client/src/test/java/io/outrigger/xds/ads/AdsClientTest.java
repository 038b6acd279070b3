package io.outrigger.xds.ads;

import static io.outrigger.xds.ads.AdsHarness.clusterNames;
import static io.outrigger.xds.ads.AdsHarness.endpoints;
import static io.outrigger.xds.ads.Protos.assignment;
import static io.outrigger.xds.ads.Protos.edsCluster;
import static io.outrigger.xds.ads.Protos.listener;
import static io.outrigger.xds.ads.Protos.snapshot;
import static io.outrigger.xds.ads.Protos.staticCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.xds.ads.AdsHarness.Mode;
import io.outrigger.xds.ads.AdsHarness.Req;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against the real java-control-plane server over loopback gRPC, in both ADS variants. */
class AdsClientTest {
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

    private void v1() {
        server.set(AdsHarness.NODE_ID, snapshot("1",
                List.of(edsCluster("backend"), staticCluster("local", "127.0.0.1", 8080)),
                List.of(assignment("backend", "10.0.0.1:80", "10.0.0.2:80")),
                List.of(listener("inbound", 15006))));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clustersEndpointsAndListenersFromTheServerFormOneSnapshotWithTheStaticResources(Mode mode) throws Exception {
        v1();
        harness = new AdsHarness(mode, server).start();

        ConfigSnapshot s = harness.awaitReady();

        assertThat(clusterNames(s)).containsExactly("xds_cluster", "backend", "local");
        assertThat(endpoints(s, "backend")).containsExactly("10.0.0.1:80", "10.0.0.2:80");
        assertThat(endpoints(s, "local")).containsExactly("127.0.0.1:8080");
        assertThat(s.listeners()).extracting(ListenerSpec::name).containsExactly("inbound");
        assertThat(s.listeners().getFirst().address().port()).isEqualTo(15006);
        assertThat(s.node().id()).isEqualTo(AdsHarness.NODE_ID);
        assertThat(harness.client.isReady()).isTrue();
        assertThat(harness.client.stats().connectedState()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anEndpointChangePublishesANewSnapshotWithTheNewEndpoints(Mode mode) throws Exception {
        v1();
        harness = new AdsHarness(mode, server).start();
        harness.awaitReady();

        server.set(AdsHarness.NODE_ID, snapshot("2",
                List.of(edsCluster("backend"), staticCluster("local", "127.0.0.1", 8080)),
                List.of(assignment("backend", "10.0.0.3:80")),
                List.of(listener("inbound", 15006))));

        ConfigSnapshot s = harness.awaitSnapshot(c -> List.of("10.0.0.3:80").equals(endpoints(c, "backend")));
        assertThat(s.versionInfo()).isEqualTo("2");
        assertThat(clusterNames(s)).containsExactly("xds_cluster", "backend", "local");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClusterRemovedByTheServerDisappearsAndItsEndpointsAreUnsubscribed(Mode mode) throws Exception {
        server.set(AdsHarness.NODE_ID, snapshot("1",
                List.of(edsCluster("backend"), edsCluster("payments")),
                List.of(assignment("backend", "10.0.0.1:80"), assignment("payments", "10.0.1.1:443")),
                List.of(listener("inbound", 15006), listener("outbound", 15001))));
        harness = new AdsHarness(mode, server).start();
        assertThat(clusterNames(harness.awaitReady())).contains("payments");

        server.set(AdsHarness.NODE_ID, snapshot("2",
                List.of(edsCluster("backend")),
                List.of(assignment("backend", "10.0.0.1:80")),
                List.of(listener("inbound", 15006))));

        ConfigSnapshot s = harness.awaitSnapshot(c -> c.cluster("payments") == null);
        assertThat(clusterNames(s)).containsExactly("xds_cluster", "backend");
        harness.awaitSnapshot(c -> c.listeners().size() == 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Req> eds = harness.requests(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT);
            if (mode.delta()) {
                assertThat(eds).anySatisfy(r -> assertThat(r.unsubscribed()).containsExactly("payments"));
            } else {
                assertThat(eds.getLast().names()).containsExactly("backend");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyResponseIsAckedWithItsNonceAndStateOfTheWorldAcksCarryItsVersion(Mode mode) throws Exception {
        v1();
        harness = new AdsHarness(mode, server).start();
        harness.awaitReady();

        for (XdsResourceType type : List.of(XdsResourceType.CLUSTER, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
                XdsResourceType.LISTENER)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String nonce = harness.responseNonces(type).getFirst();
                assertThat(harness.requests(type)).anySatisfy(r -> {
                    assertThat(r.nonce()).isEqualTo(nonce);
                    assertThat(r.errorDetail()).isNull();
                    if (!mode.delta()) {
                        assertThat(r.version()).isEqualTo("1");
                    }
                });
            });
        }
        assertThat(harness.client.stats().get(XdsResourceType.CLUSTER, AdsStats.Counter.UPDATE_SUCCESS))
                .isGreaterThanOrEqualTo(1);
        assertThat(harness.client.stats().get(XdsResourceType.CLUSTER, AdsStats.Counter.UPDATE_REJECTED)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBadClusterIsNackedByNameWhileTheGoodOnesOfTheSameResponseApplyAndItsLastGoodVersionStays(Mode mode)
            throws Exception {
        server.set(AdsHarness.NODE_ID, snapshot("1",
                List.of(edsCluster("reviews"), edsCluster("ratings")),
                List.of(assignment("reviews", "10.0.0.1:9080"), assignment("ratings", "10.0.0.2:9080")),
                List.of(listener("inbound", 15006))));
        harness = new AdsHarness(mode, server).start();
        harness.awaitReady();

        // reviews changes its connect timeout, ratings gets an invalid one, details is new.
        server.set(AdsHarness.NODE_ID, snapshot("2",
                List.of(edsCluster("reviews", 2, Protos.ads()), edsCluster("ratings", -1, Protos.ads()),
                        edsCluster("details")),
                List.of(assignment("reviews", "10.0.0.1:9080"), assignment("ratings", "10.0.0.2:9080"),
                        assignment("details", "10.0.0.3:9080")),
                List.of(listener("inbound", 15006))));

        ConfigSnapshot s = harness.awaitSnapshot(c -> c.cluster("details") != null
                && c.cluster("reviews").connectTimeout().equals(Duration.ofSeconds(2)));
        assertThat(s.cluster("ratings").connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(endpoints(s, "details")).containsExactly("10.0.0.3:9080");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> nonces = harness.responseNonces(XdsResourceType.CLUSTER);
            assertThat(harness.requests(XdsResourceType.CLUSTER)).anySatisfy(r -> {
                assertThat(r.errorDetail()).contains("Cluster \"ratings\"").contains("connect_timeout")
                        .doesNotContain("\"reviews\"").doesNotContain("\"details\"");
                assertThat(nonces).contains(r.nonce());
                assertThat(r.nonce()).isNotEqualTo(nonces.getFirst());
                if (!mode.delta()) {
                    assertThat(r.version()).isEqualTo("1"); // a NACK keeps the last accepted version
                }
            });
        });
        assertThat(harness.client.stats().get(XdsResourceType.CLUSTER, AdsStats.Counter.UPDATE_REJECTED))
                .isGreaterThanOrEqualTo(1);
        String dump = harness.client.configDumpJson();
        assertThat(dump).contains("\"error_state\"").contains("connect_timeout");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClusterIsNotPublishedUntilItsEndpointsArriveAndReadinessWaitsForIt(Mode mode) throws Exception {
        server.set(AdsHarness.NODE_ID, snapshot("1",
                List.of(edsCluster("backend"), staticCluster("local", "127.0.0.1", 8080)),
                List.of(),
                List.of(listener("inbound", 15006))));
        harness = new AdsHarness(mode, server).start();

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.requests(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT)
                .stream().anyMatch(r -> r.names().contains("backend")));
        ConfigSnapshot warming = harness.awaitSnapshot(c -> c.cluster("local") != null && !c.listeners().isEmpty());
        assertThat(warming.cluster("backend")).isNull();
        assertThat(harness.client.isReady()).isFalse();
        assertThat(harness.client.configDumpJson()).contains("\"dynamic_warming_clusters\" : [ {");

        server.set(AdsHarness.NODE_ID, snapshot("2",
                List.of(edsCluster("backend"), staticCluster("local", "127.0.0.1", 8080)),
                List.of(assignment("backend", "10.0.0.1:80")),
                List.of(listener("inbound", 15006))));

        ConfigSnapshot ready = harness.awaitReady();
        assertThat(endpoints(ready, "backend")).containsExactly("10.0.0.1:80");
        assertThat(harness.published).allSatisfy(p -> assertThat(endpoints(p, "backend")).isNotEqualTo(List.of()));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClusterWhoseEndpointsNeverComeIsPublishedEmptyAfterItsInitialFetchTimeout(Mode mode) throws Exception {
        server.set(AdsHarness.NODE_ID, snapshot("1",
                List.of(Protos.edsClusterWithFetchTimeout("backend", 300)),
                List.of(),
                List.of(listener("inbound", 15006))));
        // The init_fetch_timeout count at the moment each snapshot is published.
        List<Long> timeoutsWhenBackendPublished = new java.util.concurrent.CopyOnWriteArrayList<>();
        harness = new AdsHarness(mode, server, TestDecoders.decoders(), c -> c, p -> {
            if (p.cluster("backend") != null) {
                timeoutsWhenBackendPublished.add(harness.client.stats().get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
                        AdsStats.Counter.INIT_FETCH_TIMEOUT));
            }
        });
        harness.start();

        ConfigSnapshot s = harness.awaitReady();

        assertThat(endpoints(s, "backend")).isEmpty();
        assertThat(harness.client.stats().get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
                AdsStats.Counter.INIT_FETCH_TIMEOUT)).isEqualTo(1);
        // The cluster was never published before its fetch timed out.
        assertThat(timeoutsWhenBackendPublished).isNotEmpty().containsOnly(1L);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theLastSnapshotStaysWhileTheServerIsDownAndAPushAfterItComesBackApplies(Mode mode) throws Exception {
        v1();
        harness = new AdsHarness(mode, server).start();
        ConfigSnapshot before = harness.awaitReady();
        int port = server.port();

        server.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.client.stats().connectedState() == 0);
        assertThat(harness.client.current()).isSameAs(before);

        XdsTestServer restarted = new XdsTestServer();
        restarted.set(AdsHarness.NODE_ID, snapshot("7",
                List.of(edsCluster("backend"), staticCluster("local", "127.0.0.1", 8080)),
                List.of(assignment("backend", "10.0.0.9:80")),
                List.of(listener("inbound", 15006))));
        // Give the client a few failed attempts before the control plane is back on the same port.
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(harness.client.current()).isSameAs(before);
        restarted.start(port);
        try {
            ConfigSnapshot after = harness.awaitSnapshot(c -> List.of("10.0.0.9:80").equals(endpoints(c, "backend")));
            assertThat(after.versionInfo()).isEqualTo("7");
            assertThat(harness.client.stats().connectedState()).isEqualTo(1);
            // The resubscription told the new server which versions the client holds.
            List<Req> cds = harness.requests(restarted, XdsResourceType.CLUSTER);
            if (mode.delta()) {
                assertThat(cds.getFirst().initialVersions()).containsKeys("backend", "local");
                assertThat(harness.requests(restarted, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT).getFirst()
                        .initialVersions()).containsKey("backend");
            } else {
                assertThat(cds.getFirst().version()).isEqualTo("1");
                assertThat(cds.getFirst().nonce()).isEmpty();
                Req eds = harness.requests(restarted, XdsResourceType.CLUSTER_LOAD_ASSIGNMENT).getFirst();
                assertThat(eds.version()).isEqualTo("1");
                assertThat(eds.names()).containsExactly("backend");
            }
        } finally {
            restarted.close();
        }
    }
}
