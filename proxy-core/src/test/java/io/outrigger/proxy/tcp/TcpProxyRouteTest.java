package io.outrigger.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.stats.TcpProxyStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpProxyRouteTest {
    private static TcpProxyRoute route(int... weights) {
        List<TcpProxyRoute.Weighted> w = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            w.add(new TcpProxyRoute.Weighted("c" + i, null, weights[i]));
        }
        return new TcpProxyRoute("p", TcpProxyStats.bind(new Stats(), "p"), w, Duration.ZERO);
    }

    @Test
    void valueModuloTotalWeightSelectsTheFirstClusterWhoseCumulativeWeightExceedsIt() {
        // Envoy: random % total_weight, then walk the clusters summing weights.
        TcpProxyRoute r = route(80, 20);
        assertThat(r.pick(0)).isZero();
        assertThat(r.pick(79)).isZero();
        assertThat(r.pick(80)).isEqualTo(1);
        assertThat(r.pick(99)).isEqualTo(1);
        assertThat(r.pick(100)).isZero();
        assertThat(r.pick(-1)).as("negative longs are unsigned draws").isEqualTo((int) (Long.remainderUnsigned(-1, 100) < 80 ? 0 : 1));
    }

    @Test
    void everyIndexIsReachableAndZeroIdleTimeoutDisablesIt() {
        TcpProxyRoute r = route(1, 1, 1);
        assertThat(List.of(r.pick(0), r.pick(1), r.pick(2))).containsExactly(0, 1, 2);
        assertThat(r.idleTimeoutNanos()).isZero();
    }

    @Test
    void weightBelowOneIsRejected() {
        assertThatThrownBy(() -> new TcpProxyRoute.Weighted("c", null, 0))
                .hasMessage("weight: 0 (expected: >= 1)");
    }
}
