package io.outrigger.xds.ads;

import static io.outrigger.xds.ads.Protos.assignment;
import static io.outrigger.xds.ads.Protos.edsCluster;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.outrigger.xds.ads.ResourceStore.Incoming;
import io.outrigger.xds.ads.ResourceStore.Outcome;
import io.outrigger.xds.snapshot.ClusterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The response rules, tested directly with protos (no stream). */
class ResourceStoreTest {
    private final MutableClock clock = new MutableClock();
    private final ResourceStore store = new ResourceStore(TestDecoders.decoders(), AdsHarness.STATICS, clock);

    private static List<Incoming> sotw(com.google.protobuf.Message... resources) {
        List<Incoming> l = new ArrayList<>();
        for (var r : resources) {
            l.add(new Incoming("", "", Any.pack(r)));
        }
        return l;
    }

    private Outcome cds(String version, com.google.protobuf.Message... clusters) {
        return store.apply(XdsResourceType.CLUSTER, true, version, sotw(clusters), List.of());
    }

    private TypeState clusters() {
        return store.state(XdsResourceType.CLUSTER);
    }

    @Test
    void aStateOfTheWorldResponseRemovesTheClustersItNoLongerLists() {
        cds("1", edsCluster("a"), edsCluster("b"));

        Outcome o = cds("2", edsCluster("a"));

        assertThat(o.accepted()).isTrue();
        assertThat(o.changed()).isTrue();
        assertThat(clusters().resources).containsOnlyKeys("a");
        assertThat(clusters().versionInfo).isEqualTo("2");
    }

    @Test
    void aRejectedClusterKeepsItsLastGoodVersionAndTheVersionInfoStaysAtTheLastAccepted() {
        cds("1", edsCluster("a"), edsCluster("b"));

        Outcome o = cds("2", edsCluster("a", 3, Protos.ads()), edsCluster("b", 0, Protos.ads()));

        assertThat(o.accepted()).isFalse();
        assertThat(o.errorDetail()).isEqualTo("xds: Cluster \"b\": connect_timeout: PT0S (expected: > 0)");
        assertThat(((ClusterSpec) clusters().resources.get("a").value()).connectTimeout()).hasSeconds(3);
        assertThat(((ClusterSpec) clusters().resources.get("b").value()).connectTimeout()).hasSeconds(1);
        assertThat(clusters().resources.get("b").version()).isEqualTo("1");
        assertThat(clusters().rejected).containsOnlyKeys("b");
        assertThat(clusters().versionInfo).isEqualTo("1");
    }

    @Test
    void everyErrorOfAResponseIsInTheNackOneResourcePerLine() {
        Outcome o = cds("1", edsCluster("a", -1, Protos.ads()), edsCluster("b", 0, Protos.ads()), edsCluster("c"));

        assertThat(o.errorDetail()).isEqualTo("""
                xds: Cluster "a": connect_timeout: PT-1S (expected: > 0)
                xds: Cluster "b": connect_timeout: PT0S (expected: > 0)""");
        assertThat(o.rejected()).isEqualTo(2);
        assertThat(clusters().resources).containsOnlyKeys("c");
    }

    @Test
    void aBadResourceWithoutANameStopsAStateOfTheWorldResponseFromRemovingAnything() {
        cds("1", edsCluster("a"), edsCluster("b"));
        List<Incoming> in = sotw(edsCluster("a"));
        in.add(new Incoming("", "", Any.newBuilder().setTypeUrl(XdsResourceType.CLUSTER.typeUrl())
                .setValue(ByteString.copyFromUtf8("\u00ff\u00ff not a cluster")).build()));

        Outcome o = store.apply(XdsResourceType.CLUSTER, true, "2", in, List.of());

        assertThat(o.accepted()).isFalse();
        assertThat(o.errorDetail()).contains("cannot be parsed");
        assertThat(clusters().resources).containsOnlyKeys("a", "b");
    }

    @Test
    void aResourceOfAnotherTypeIsRejected() {
        Outcome o = store.apply(XdsResourceType.CLUSTER, true, "1", sotw(Protos.listener("l", 80)), List.of());

        assertThat(o.errorDetail()).contains("a resource of type type.googleapis.com/envoy.config.listener.v3.Listener"
                + " in a Cluster response");
    }

    @Test
    void aByteIdenticalResendKeepsTheEntryAndItsLastUpdatedTime() {
        cds("1", edsCluster("a"));
        ResourceEntry first = clusters().resources.get("a");
        clock.advance(Duration.ofMinutes(5));

        Outcome o = cds("2", edsCluster("a"));

        assertThat(o.changed()).isFalse();
        assertThat(clusters().resources.get("a")).isSameAs(first);
        assertThat(clusters().versionInfo).isEqualTo("2");
    }

    @Test
    void aNameTwiceInOneResponseIsRejectedAndNeitherCopyApplies() {
        Outcome o = cds("1", edsCluster("a"), edsCluster("a", 2, Protos.ads()));

        assertThat(o.errorDetail()).isEqualTo("xds: Cluster \"a\": appears twice in one response");
        assertThat(clusters().resources).isEmpty();
    }

    @Test
    void aDynamicClusterCannotReplaceAStaticOne() {
        Outcome o = cds("1", edsCluster("xds_cluster"));

        assertThat(o.errorDetail()).isEqualTo("xds: Cluster \"xds_cluster\": name: already defined in static_resources"
                + " (expected: a name not used by a static resource)");
    }

    @Test
    void anEdsClusterMustTakeItsEndpointsFromAds() {
        ConfigSource file = ConfigSource.newBuilder().setPath("/etc/envoy/eds.yaml").build();

        Outcome o = cds("1", edsCluster("a", 1, file));

        assertThat(o.errorDetail()).isEqualTo(
                "xds: Cluster \"a\": eds_cluster_config.eds_config: a file (expected: ads: {})");
    }

    @Test
    void anEdsClusterDependsOnItsServiceNameWithItsConfigSourcesFetchTimeout() {
        var c = edsCluster("outbound|80||reviews").toBuilder();
        c.getEdsClusterConfigBuilder().setServiceName("reviews.default.svc").getEdsConfigBuilder()
                .setInitialFetchTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3));
        cds("1", c.build());

        assertThat(store.wanted().get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT)).containsOnlyKeys("reviews.default.svc");
        assertThat(store.wanted().get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT).get("reviews.default.svc")
                .initialFetchTimeout()).hasSeconds(3);
    }

    @Test
    void aListenerThatNeedsRdsIsRejectedWhenRoutesAreNotSupported() {
        Outcome o = store.apply(XdsResourceType.LISTENER, true, "1",
                sotw(Protos.httpListener("http", 8080, "routes-1")), List.of());

        assertThat(o.errorDetail()).isEqualTo("xds: Listener \"http\": RouteConfiguration \"routes-1\" over ADS (rds)"
                + " is not supported yet");
    }

    @Test
    void namedResourcesThatWereNotRequestedAreIgnored() {
        cds("1", edsCluster("a"));
        store.state(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT).subscribed.putAll(store.wanted()
                .get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT));

        Outcome o = store.apply(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, true, "1",
                sotw(assignment("a", "10.0.0.1:80"), assignment("zzz", "10.0.0.2:80")), List.of());

        assertThat(o.accepted()).isTrue();
        assertThat(store.state(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT).resources).containsOnlyKeys("a");
    }

    @Test
    void deltaRemovalsDropResourcesAndARemovedAssignmentCountsAsKnownAbsent() {
        cds("1", edsCluster("a"));
        TypeState eds = store.state(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT);
        eds.subscribed.putAll(store.wanted().get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT));
        store.apply(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, false, "", List.of(
                new Incoming("a", "v1", Any.pack(assignment("a", "10.0.0.1:80")))), List.of());
        assertThat(eds.resources.get("a").version()).isEqualTo("v1");
        assertThat(eds.heldVersions()).containsEntry("a", "v1");

        Outcome o = store.apply(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, false, "", List.of(), List.of("a"));

        assertThat(o.changed()).isTrue();
        assertThat(eds.resources).isEmpty();
        assertThat(eds.resolved("a")).isTrue();
    }

    @Test
    void deltaKeepsClustersThatAResponseDoesNotMention() {
        store.apply(XdsResourceType.CLUSTER, false, "", List.of(
                new Incoming("a", "1", Any.pack(edsCluster("a"))), new Incoming("b", "1", Any.pack(edsCluster("b")))),
                List.of());

        store.apply(XdsResourceType.CLUSTER, false, "", List.of(new Incoming("a", "2", Any.pack(
                edsCluster("a", 2, Protos.ads())))), List.of());

        assertThat(clusters().resources).containsOnlyKeys("a", "b");
        assertThat(clusters().resources.get("a").version()).isEqualTo("2");
    }

    @Test
    void aVeryLongNackIsCutAtALineAndSaysHowManyMoreErrorsThereWere() {
        List<com.google.protobuf.Message> bad = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            bad.add(edsCluster("cluster-" + i, -1, Protos.ads()));
        }

        Outcome o = cds("1", bad.toArray(com.google.protobuf.Message[]::new));

        assertThat(o.errorDetail().length()).isLessThanOrEqualTo(ResourceStore.MAX_ERROR_DETAIL_CHARS + 40);
        assertThat(o.errorDetail()).startsWith("xds: Cluster \"cluster-0\": connect_timeout").containsPattern(
                "\n\\.\\.\\. and \\d+ more$");
        assertThat(o.rejected()).isEqualTo(2000);
    }

    @Test
    void routeConfigurationsDecodeWhenADecoderIsGiven() {
        ResourceStore withRoutes = new ResourceStore(TestDecoders.withRoutes(), AdsHarness.STATICS, clock);
        withRoutes.apply(XdsResourceType.LISTENER, true, "1", sotw(Protos.httpListener("http", 8080, "routes-1")),
                List.of());
        assertThat(withRoutes.wanted().get(XdsResourceType.ROUTE_CONFIGURATION)).containsOnlyKeys("routes-1");
        withRoutes.state(XdsResourceType.ROUTE_CONFIGURATION).subscribed.putAll(
                withRoutes.wanted().get(XdsResourceType.ROUTE_CONFIGURATION));

        Outcome o = withRoutes.apply(XdsResourceType.ROUTE_CONFIGURATION, true, "1",
                sotw(RouteConfiguration.newBuilder().setName("routes-1").build()), List.of());

        assertThat(o.accepted()).isTrue();
        assertThat(withRoutes.state(XdsResourceType.ROUTE_CONFIGURATION).resources.get("routes-1").value())
                .isEqualTo("routes-1");
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
