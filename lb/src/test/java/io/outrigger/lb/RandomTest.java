package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static io.outrigger.lb.Fixtures.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomTest {
    @Test
    void randomSpreadsUniformlyAndLikeEnvoyIgnoresWeights() {
        Host a = host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host b = host("10.0.0.2", 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host c = host("10.0.0.3", 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        LoadBalancer lb = LoadBalancers.create(flat(List.of(a, b, c)), LbConfig.of(LbPolicy.RANDOM),
                new SplittableRandom(42), new Fixtures.MutableClock());
        Map<Host, Integer> counts = Fixtures.count(lb, 30_000, () -> 0);
        for (Host h : List.of(a, b, c)) {
            assertThat(counts.get(h) / 30_000.0).isCloseTo(1 / 3.0, within(0.02));
        }
    }
}
