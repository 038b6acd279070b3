package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlowStartTest {
    @Test
    void newHostRampsUpLinearlyOverTheWindowFromMinWeightPercent() {
        Fixtures.MutableClock clock = new Fixtures.MutableClock();
        ClusterLoadBalancer lb = LoadBalancers.cluster(
                LbConfig.of(LbPolicy.ROUND_ROBIN).withSlowStart(SlowStartConfig.of(Duration.ofSeconds(60))),
                new SplittableRandom(1), clock);
        Host a = Host.of("10.0.0.1", 80);
        Host b = Host.of("10.0.0.2", 80);
        Host c = Host.of("10.0.0.3", 80);
        lb.update(flat(List.of(a, b))); // the cluster's first hosts do not ramp
        assertThat(lb.slowStartActive()).isFalse();
        lb.update(flat(List.of(a, b, c)));
        assertThat(lb.slowStartActive()).isTrue();
        // Envoy: weight x max(min_weight_percent, (elapsed / window)^(1/aggression)).
        assertThat(share(lb, c)).isCloseTo(0.1 / 2.1, within(0.01));
        clock.advance(Duration.ofSeconds(30));
        lb.refresh();
        assertThat(share(lb, c)).isCloseTo(0.5 / 2.5, within(0.01));
        clock.advance(Duration.ofSeconds(30));
        lb.refresh();
        assertThat(share(lb, c)).isCloseTo(1 / 3.0, within(0.01));
        assertThat(lb.slowStartActive()).isFalse();
    }

    private static double share(LoadBalancer lb, Host h) {
        int n = 0;
        for (int i = 0; i < 10_000; i++) {
            if (lb.pick(0).equals(h)) {
                n++;
            }
        }
        return n / 10_000.0;
    }
}
