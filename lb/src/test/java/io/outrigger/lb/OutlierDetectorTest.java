package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();
    private final ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.ROUND_ROBIN),
            new SplittableRandom(1), clock);

    private List<Host> hosts(int n) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(Host.of("10.0.0." + i, 8080));
        }
        lb.update(flat(hosts));
        return hosts;
    }

    private OutlierDetector detector(OutlierDetectionConfig config) {
        return new OutlierDetector(lb, config, clock, new SplittableRandom(2), Runnable::run);
    }

    private Set<Host> picked(int picks) {
        Set<Host> seen = new HashSet<>();
        for (int i = 0; i < picks; i++) {
            seen.add(lb.pick(0));
        }
        return seen;
    }

    @Test
    void fiveConsecutive5xxEjectForBaseEjectionTimeThenTheHostReturns() {
        List<Host> hosts = hosts(10);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults());
        for (int i = 0; i < 4; i++) {
            od.reportHttpStatus(hosts.get(0), 500);
        }
        assertThat(lb.state(hosts.get(0)).ejected()).isFalse();
        od.reportHttpStatus(hosts.get(0), 503);
        assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
        assertThat(picked(100)).doesNotContain(hosts.get(0)).hasSize(9);

        clock.advance(Duration.ofSeconds(29));
        od.tick();
        assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        od.tick();
        assertThat(lb.state(hosts.get(0)).ejected()).isFalse();
        assertThat(picked(100)).contains(hosts.get(0));
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        List<Host> hosts = hosts(10);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults());
        for (int i = 0; i < 4; i++) {
            od.reportHttpStatus(hosts.get(0), 500);
        }
        od.reportHttpStatus(hosts.get(0), 200);
        for (int i = 0; i < 4; i++) {
            od.reportHttpStatus(hosts.get(0), 500);
        }
        assertThat(lb.state(hosts.get(0)).ejected()).isFalse();
    }

    @Test
    void repeatedEjectionLastsBaseTimesNumberOfEjections() {
        List<Host> hosts = hosts(10);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults());
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < 5; i++) {
                od.reportHttpStatus(hosts.get(0), 500);
            }
            assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
            clock.advance(Duration.ofSeconds(30L * round - 1));
            od.tick();
            assertThat(lb.state(hosts.get(0)).ejected()).as("round %s", round).isTrue();
            clock.advance(Duration.ofSeconds(1));
            od.tick();
            assertThat(lb.state(hosts.get(0)).ejected()).as("round %s", round).isFalse();
        }
    }

    @Test
    void maxEjectionPercentCapsEjectionsButOneHostMayAlwaysGo() {
        List<Host> hosts = hosts(10);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults()); // 10% of 10 hosts = 1
        for (Host h : hosts.subList(0, 3)) {
            for (int i = 0; i < 5; i++) {
                od.reportHttpStatus(h, 500);
            }
        }
        long ejected = hosts.stream().filter(h -> lb.state(h).ejected()).count();
        assertThat(ejected).isEqualTo(1);
        assertThat(od.ejectionsOverflow()).isEqualTo(2);
    }

    @Test
    void successRateOutlierIsEjectedAtTheInterval() {
        List<Host> hosts = hosts(5);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults());
        // 5 hosts x 100 requests: four at 100% success, one at 50% (never 5 failures in a row).
        for (int i = 0; i < 100; i++) {
            for (int h = 0; h < 5; h++) {
                int status = h == 4 && i % 2 == 0 ? 500 : 200;
                od.reportHttpStatus(hosts.get(h), status);
            }
        }
        assertThat(lb.state(hosts.get(4)).ejected()).isFalse();
        od.tick();
        // mean 90, stdev 20, threshold 90 - 1.9 x 20 = 52 > 50: ejected.
        assertThat(lb.state(hosts.get(4)).ejected()).isTrue();
        assertThat(hosts.subList(0, 4)).allMatch(h -> !lb.state(h).ejected());
    }

    @Test
    void failurePercentageEjectsWhenEnforced() {
        List<Host> hosts = hosts(5);
        OutlierDetectionConfig base = OutlierDetectionConfig.envoyDefaults();
        OutlierDetectionConfig config = new OutlierDetectionConfig(1000, 1000, 5, base.interval(),
                base.baseEjectionTime(), base.maxEjectionTime(), 100, 100, 0, 100, 0, 5, 100, 1900, 85, 100,
                5, 50, false);
        OutlierDetector od = detector(config);
        for (int i = 0; i < 50; i++) {
            for (int h = 0; h < 5; h++) {
                od.reportHttpStatus(hosts.get(h), h == 0 && i % 10 != 0 ? 500 : 200); // host 0: 90% failures
            }
        }
        od.tick();
        assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
        assertThat(lb.state(hosts.get(1)).ejected()).isFalse();
    }

    @Test
    void withoutConfiguredOutlierDetectionConnectionFailuresAloneTakeAHostOutForAWhile() {
        List<Host> hosts = hosts(3);
        OutlierDetector od = detector(OutlierDetectionConfig.whenUnset());
        for (int i = 0; i < 20; i++) {
            od.reportHttpStatus(hosts.get(1), 500); // HTTP errors alone never eject by default
        }
        assertThat(lb.state(hosts.get(1)).ejected()).isFalse();
        for (int i = 0; i < 5; i++) {
            od.reportLocalOriginFailure(hosts.get(0));
        }
        assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
        assertThat(picked(30)).doesNotContain(hosts.get(0));
        clock.advance(Duration.ofSeconds(30));
        od.tick();
        assertThat(picked(30)).contains(hosts.get(0));
    }

    @Test
    void ejectionSurvivesAMembershipUpdate() {
        List<Host> hosts = hosts(10);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults());
        for (int i = 0; i < 5; i++) {
            od.reportHttpStatus(hosts.get(0), 500);
        }
        List<Host> next = new ArrayList<>(hosts);
        next.add(Host.of("10.0.0.99", 8080));
        lb.update(flat(next));
        assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
        assertThat(picked(100)).doesNotContain(hosts.get(0));
    }

    @Test
    void adminHealthFlagsNameTheReasonAsEnvoyPrintsThem() {
        List<Host> hosts = hosts(10);
        OutlierDetector od = detector(OutlierDetectionConfig.envoyDefaults());
        assertThat(lb.state(hosts.get(0)).healthFlags(hosts.get(0))).isEqualTo("healthy");
        for (int i = 0; i < 5; i++) {
            od.reportHttpStatus(hosts.get(0), 500);
        }
        assertThat(lb.state(hosts.get(0)).healthFlags(hosts.get(0))).isEqualTo("/failed_outlier_check");
        Host drained = new Host("10.0.0.1", 8080, 1, HealthStatus.DRAINING, Locality.UNKNOWN, 0, java.util.Map.of());
        assertThat(lb.state(drained).healthFlags(drained)).isEqualTo("/failed_eds_health");
    }
}
