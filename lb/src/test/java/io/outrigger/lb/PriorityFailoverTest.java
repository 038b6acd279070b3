package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.ZONE_A;
import static io.outrigger.lb.Fixtures.ZONE_B;
import static io.outrigger.lb.Fixtures.hosts;
import static io.outrigger.lb.Fixtures.level;
import static io.outrigger.lb.Fixtures.membership;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Failover between priorities as picks see it: zone-a at P0, zone-b at P1. */
class PriorityFailoverTest {
    private static final int PICKS = 20_000;

    private static double shareOfZoneA(LoadBalancer lb) {
        int a = 0;
        SplittableRandom hashes = new SplittableRandom(99);
        for (int i = 0; i < PICKS; i++) {
            Host h = lb.pick(hashes.nextLong());
            if (h.locality().equals(ZONE_A)) {
                a++;
            }
        }
        return a / (double) PICKS;
    }

    @ParameterizedTest
    @EnumSource(LbPolicy.class)
    void zoneAHostsFailingOneByOneMoveLoadToZoneBAsEnvoyArithmeticSaysThenItReturns(LbPolicy policy) {
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(policy), new SplittableRandom(5),
                new Fixtures.MutableClock());
        // 10 hosts in zone-a at P0, 10 in zone-b at P1. Expected P0 share = min(100, 1.4 x healthy%) as
        // Envoy's priority docs state; below 50% healthy P0 is in panic but P1 is not, so P0 keeps its
        // (small) share and serves it from all its hosts.
        int[] healthy = {10, 8, 7, 5, 3, 0};
        double[] expectedA = {1.00, 1.00, 0.98, 0.70, 0.42, 0.0};
        for (int step = 0; step < healthy.length; step++) {
            lb.update(membership(level(hosts("a", ZONE_A, 1, 0, 10, healthy[step])),
                    level(hosts("b", ZONE_B, 1, 1, 10, 10))));
            assertThat(shareOfZoneA(lb)).as("%s healthy in zone-a", healthy[step])
                    .isCloseTo(expectedA[step], within(0.02));
        }
        lb.update(membership(level(hosts("a", ZONE_A, 1, 0, 10, 10)), level(hosts("b", ZONE_B, 1, 1, 10, 10))));
        assertThat(shareOfZoneA(lb)).isEqualTo(1.0);
    }

    @Test
    void panicSpreadsOverAllHostsAndCountsIt() {
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.ROUND_ROBIN), new SplittableRandom(5),
                new Fixtures.MutableClock());
        lb.update(membership(level(hosts("a", ZONE_A, 1, 0, 10, 2))));
        java.util.Set<Host> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            seen.add(lb.pick(0));
        }
        assertThat(seen).hasSize(10);
        assertThat(lb.stats().healthyPanic()).isEqualTo(10);
    }

    @Test
    void withPanicDisabledOnlyHealthyHostsServe() {
        ClusterLoadBalancer lb = LoadBalancers.cluster(
                LbConfig.of(LbPolicy.ROUND_ROBIN).withHealthyPanicThreshold(0), new SplittableRandom(5),
                new Fixtures.MutableClock());
        lb.update(membership(level(hosts("a", ZONE_A, 1, 0, 10, 2))));
        java.util.Set<Host> seen = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(lb.pick(0));
        }
        assertThat(seen).extracting(Host::address).containsExactlyInAnyOrder("a.0", "a.1");
        assertThat(lb.stats().healthyPanic()).isZero();
    }

    @Test
    void degradedHostsServeOnlyTheShareHealthyOnesCannot() {
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.ROUND_ROBIN), new SplittableRandom(5),
                new Fixtures.MutableClock());
        java.util.List<Host> hs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hs.add(Fixtures.host("h" + i, 1, i < 5 ? HealthStatus.HEALTHY : HealthStatus.DEGRADED, ZONE_A, 0));
        }
        lb.update(Fixtures.flat(hs));
        int degraded = 0;
        for (int i = 0; i < PICKS; i++) {
            if (lb.pick(0).health() == HealthStatus.DEGRADED) {
                degraded++;
            }
        }
        // 50% healthy x 1.4 = 70% to healthy hosts, the remaining 30% to degraded ones.
        assertThat(degraded / (double) PICKS).isCloseTo(0.30, within(0.02));
    }
}
