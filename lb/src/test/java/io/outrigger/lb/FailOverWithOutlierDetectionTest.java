package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.hosts;
import static io.outrigger.lb.Fixtures.level;
import static io.outrigger.lb.Fixtures.membership;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pieces together: a FailOver policy over two zones, zone-a's hosts failing one by one as
 * outlier detection sees their errors, and coming back when their ejection ends.
 */
class FailOverWithOutlierDetectionTest {
    private static final Locality ZONE_A = Fixtures.ZONE_A;
    private static final Locality ZONE_B = Fixtures.ZONE_B;

    @Test
    void loadMovesToZoneBAsZoneAHostsAreEjectedAndReturnsAfterTheEjection() {
        Fixtures.MutableClock clock = new Fixtures.MutableClock();
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.ROUND_ROBIN), new SplittableRandom(3), clock);
        Membership eds = membership(level(hosts("a", ZONE_A, 1, 0, 10, 10), hosts("b", ZONE_B, 1, 0, 10, 10)));
        lb.update(eds, GlobalTrafficPolicy.failOver(GlobalTrafficPolicy.Scope.ZONE), ZONE_A);
        OutlierDetectionConfig d = OutlierDetectionConfig.envoyDefaults();
        // Let outlier detection eject up to all of zone-a (half of the cluster).
        OutlierDetector od = new OutlierDetector(lb, new OutlierDetectionConfig(5, 5, 5, d.interval(),
                d.baseEjectionTime(), d.maxEjectionTime(), 50, 100, 0, 100, 100, 5, 100, 1900, 85, 0, 5, 50, false),
                clock, new SplittableRandom(4), Runnable::run);
        List<Host> zoneA = lb.membership().priorities().getFirst().localities().getFirst().hosts();

        assertThat(shareOf(lb, ZONE_A)).isEqualTo(1.0);
        // Envoy: P0 gets min(100, 1.4 x healthy%) while P0 is not in panic (>= 50% healthy).
        Map<Integer, Double> expected = Map.of(1, 1.0, 2, 1.0, 3, 0.98, 4, 0.84, 5, 0.70);
        for (int failed = 1; failed <= 5; failed++) {
            for (int i = 0; i < 5; i++) {
                od.reportHttpStatus(zoneA.get(failed - 1), 503);
            }
            assertThat(shareOf(lb, ZONE_A)).as("%s zone-a hosts ejected", failed)
                    .isCloseTo(expected.get(failed), within(0.02));
        }
        clock.advance(Duration.ofSeconds(30));
        od.tick();
        assertThat(shareOf(lb, ZONE_A)).isEqualTo(1.0);
    }

    private static double shareOf(LoadBalancer lb, Locality zone) {
        int n = 0;
        for (int i = 0; i < 20_000; i++) {
            if (lb.pick(0).locality().equals(zone)) {
                n++;
            }
        }
        return n / 20_000.0;
    }
}
