package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.ZONE_A;
import static io.outrigger.lb.Fixtures.ZONE_B;
import static io.outrigger.lb.Fixtures.ZONE_C;
import static io.outrigger.lb.Fixtures.hosts;
import static io.outrigger.lb.Fixtures.level;
import static io.outrigger.lb.Fixtures.membership;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LocalityTest {
    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();

    private static double share(LoadBalancer lb, Locality locality, int picks) {
        int n = 0;
        for (int i = 0; i < picks; i++) {
            if (lb.pick(0).locality().equals(locality)) {
                n++;
            }
        }
        return n / (double) picks;
    }

    @ParameterizedTest(name = "X {0}% healthy -> X gets {1}%")
    @CsvSource({"100,33", "70,33", "69,32", "50,26", "25,15", "0,0"})
    void localityWeightsFollowEnvoysLocalityWeightedTable(int xHealthy, int xPercent) {
        // Envoy "Locality weighted load balancing": X weight 1, Y weight 2 (Y fully healthy),
        // overprovisioning 1.4. The table gives X's share as its healthy percentage drops.
        LoadBalancer lb = LoadBalancers.create(
                membership(level(hosts("x", ZONE_A, 1, 0, 100, xHealthy), hosts("y", ZONE_B, 2, 0, 100, 100))),
                LbConfig.of(LbPolicy.ROUND_ROBIN).withLocalityWeighted(true), new SplittableRandom(1), clock);
        assertThat(share(lb, ZONE_A, 30_000) * 100).isCloseTo(xPercent, within(1.0));
    }

    @Test
    void localityWithoutWeightGetsNoTrafficWhenWeightingIsOn() {
        LoadBalancer lb = LoadBalancers.create(
                membership(level(hosts("x", ZONE_A, 0, 0, 5, 5), hosts("y", ZONE_B, 1, 0, 5, 5))),
                LbConfig.of(LbPolicy.RANDOM).withLocalityWeighted(true), new SplittableRandom(1), clock);
        assertThat(share(lb, ZONE_A, 2_000)).isZero();
    }

    @Test
    void zoneAwareKeepsLocallyTheShareEnvoysFormulaGives() {
        // Upstream: zone-a holds 30% of healthy hosts (3 of 10); callers: zone-a holds 50% (5 of 10).
        // Envoy: local_percent_to_route = upstream% / local% = 30 / 50 -> 60% stays in zone-a, the
        // rest goes to the zone with residual capacity (zone-b: 70% upstream vs 50% callers).
        Membership upstream = membership(level(hosts("up-a", ZONE_A, 1, 0, 3, 3), hosts("up-b", ZONE_B, 1, 0, 7, 7)));
        Membership callers = membership(level(hosts("me-a", ZONE_A, 1, 0, 5, 5), hosts("me-b", ZONE_B, 1, 0, 5, 5)));
        ClusterLoadBalancer lb = LoadBalancers.create(upstream,
                LbConfig.of(LbPolicy.ROUND_ROBIN).withZoneAware(ZoneAwareConfig.DEFAULT), new SplittableRandom(1),
                clock, new LocalCluster(ZONE_A, callers));
        assertThat(share(lb, ZONE_A, 20_000)).isCloseTo(0.60, within(0.02));
        assertThat(lb.stats().zoneRoutingSampled() + lb.stats().zoneRoutingCrossZone()).isEqualTo(20_000);
    }

    @Test
    void zoneAwareRoutesAllLocallyWhenTheLocalZoneHasEnoughCapacity() {
        Membership upstream = membership(level(hosts("up-a", ZONE_A, 1, 0, 5, 5), hosts("up-b", ZONE_B, 1, 0, 5, 5)));
        Membership callers = membership(level(hosts("me-a", ZONE_A, 1, 0, 2, 2), hosts("me-b", ZONE_B, 1, 0, 8, 8)));
        ClusterLoadBalancer lb = LoadBalancers.create(upstream,
                LbConfig.of(LbPolicy.ROUND_ROBIN).withZoneAware(ZoneAwareConfig.DEFAULT), new SplittableRandom(1),
                clock, new LocalCluster(ZONE_A, callers));
        assertThat(share(lb, ZONE_A, 5_000)).isEqualTo(1.0);
        assertThat(lb.stats().zoneRoutingAllDirectly()).isEqualTo(5_000);
    }

    @Test
    void crossZoneTrafficGoesToZonesWithResidualCapacity() {
        // Envoy's own example: local 40/40/20%, upstream 25/50/25% -> residual 0, 10, 5: caller in the
        // first zone keeps 25/40 = 62.5% locally; of the rest, 2/3 to the second zone, 1/3 to the third.
        Membership upstream = membership(level(hosts("u-a", ZONE_A, 1, 0, 5, 5), hosts("u-b", ZONE_B, 1, 0, 10, 10),
                hosts("u-c", ZONE_C, 1, 0, 5, 5)));
        Membership callers = membership(level(hosts("m-a", ZONE_A, 1, 0, 4, 4), hosts("m-b", ZONE_B, 1, 0, 4, 4),
                hosts("m-c", ZONE_C, 1, 0, 2, 2)));
        ClusterLoadBalancer lb = LoadBalancers.create(upstream,
                LbConfig.of(LbPolicy.RANDOM).withZoneAware(ZoneAwareConfig.DEFAULT), new SplittableRandom(1),
                clock, new LocalCluster(ZONE_A, callers));
        int picks = 40_000;
        int a = 0;
        int b = 0;
        int c = 0;
        for (int i = 0; i < picks; i++) {
            Locality l = lb.pick(0).locality();
            if (l.equals(ZONE_A)) {
                a++;
            } else if (l.equals(ZONE_B)) {
                b++;
            } else {
                c++;
            }
        }
        assertThat(a / (double) picks).isCloseTo(0.625, within(0.015));
        assertThat(b / (double) picks).isCloseTo(0.375 * 2 / 3, within(0.015));
        assertThat(c / (double) picks).isCloseTo(0.375 / 3, within(0.015));
    }

    @Test
    void zoneAwareIsSkippedForClustersBelowMinClusterSize() {
        Membership upstream = membership(level(hosts("up-a", ZONE_A, 1, 0, 1, 1), hosts("up-b", ZONE_B, 1, 0, 3, 3)));
        Membership callers = membership(level(hosts("me-a", ZONE_A, 1, 0, 5, 5), hosts("me-b", ZONE_B, 1, 0, 5, 5)));
        ClusterLoadBalancer lb = LoadBalancers.create(upstream,
                LbConfig.of(LbPolicy.ROUND_ROBIN).withZoneAware(ZoneAwareConfig.DEFAULT), new SplittableRandom(1),
                clock, new LocalCluster(ZONE_A, callers));
        // 4 healthy hosts < min_cluster_size 6: plain round robin over all 4 hosts.
        assertThat(share(lb, ZONE_A, 4_000)).isEqualTo(0.25);
        assertThat(lb.stats().zoneClusterTooSmall()).isPositive();
    }

    @Test
    void routingEnabledSetsTheShareOfRequestsThatGoThroughZoneAwareRouting() {
        // routing_enabled 50%: half the requests use zone routing (60% local), half plain round robin
        // over all hosts (30% local) -> 45% local.
        Membership upstream = membership(level(hosts("up-a", ZONE_A, 1, 0, 3, 3), hosts("up-b", ZONE_B, 1, 0, 7, 7)));
        Membership callers = membership(level(hosts("me-a", ZONE_A, 1, 0, 5, 5), hosts("me-b", ZONE_B, 1, 0, 5, 5)));
        ClusterLoadBalancer lb = LoadBalancers.create(upstream,
                LbConfig.of(LbPolicy.RANDOM).withZoneAware(new ZoneAwareConfig(50, 6, false)),
                new SplittableRandom(1), clock, new LocalCluster(ZONE_A, callers));
        assertThat(share(lb, ZONE_A, 40_000)).isCloseTo(0.45, within(0.015));
    }

    @Test
    void failTrafficOnPanicRefusesPicksInsteadOfUsingUnhealthyHosts() {
        Membership upstream = membership(level(hosts("up-a", ZONE_A, 1, 0, 10, 2)));
        Membership callers = membership(level(hosts("me-a", ZONE_A, 1, 0, 5, 5)));
        ClusterLoadBalancer lb = LoadBalancers.create(upstream,
                LbConfig.of(LbPolicy.ROUND_ROBIN).withZoneAware(new ZoneAwareConfig(100, 6, true)),
                new SplittableRandom(1), clock, new LocalCluster(ZONE_A, callers));
        assertThat(lb.pick(0)).isNull();
        assertThat(lb.stats().healthyPanic()).isEqualTo(1);
        assertThat(lb.stats().noHealthyHost()).isEqualTo(1);
    }
}
