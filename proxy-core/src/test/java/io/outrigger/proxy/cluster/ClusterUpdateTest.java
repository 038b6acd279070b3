package io.outrigger.proxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.server.ServerOptions;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.UpstreamBindSpec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class ClusterUpdateTest {
    private static ClusterSpec withBind(ClusterSpec c, String source) {
        return new ClusterSpec(c.name(), c.type(), c.connectTimeout(), c.lbPolicy(), c.loadAssignment(),
                new UpstreamBindSpec(new SocketAddressSpec(source, 0), List.of()));
    }

    @Test
    void aChangedUpstreamBindConfigAppliesToNewConnectionsWhileTheClusterKeepsItsBalancerAndStats() {
        ClusterSpec base = Snapshots.staticCluster("backend", Duration.ofSeconds(1), 9001);
        Stats stats = new Stats();
        LoadBalancerFactory lb = LbFactories.envoyDefaults(ServerOptions.THREAD_LOCAL_RANDOM, Clock.systemUTC());
        ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
        ClusterManager before = ClusterManager.build(List.of(withBind(base, "127.0.0.2")), stats, lb,
                ClusterManager.systemResolver());
        try {
            Map<String, String> problems = new HashMap<>();
            ClusterManager after = before.update(List.of(withBind(base, "127.0.0.3")), stats, lb,
                    ClusterManager.systemResolver(), control, Duration.ofSeconds(5), problems);
            after.publishMemberships();
            InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", 9001);

            assertThat(problems).isEmpty();
            assertThat(before.get("backend").bindAddressFor(upstream))
                    .isEqualTo(new InetSocketAddress("127.0.0.2", 0));
            // upstream_bind_config is part of the cluster: the update gives it a new version...
            assertThat(after.get("backend")).isNotSameAs(before.get("backend"));
            assertThat(after.get("backend").bindAddressFor(upstream)).isEqualTo(new InetSocketAddress("127.0.0.3", 0));
            // ...that keeps the balancer, stats and hosts of the one it replaces.
            assertThat(after.get("backend").sharesBalancerWith(before.get("backend"))).isTrue();
            assertThat(after.get("backend").stats()).isSameAs(before.get("backend").stats());
            assertThat(after.get("backend").hosts()).extracting(UpstreamHost::socketAddress).containsExactly(upstream);
            after.close();
        } finally {
            control.shutdownNow();
        }
    }
}
