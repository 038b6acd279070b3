package io.outrigger.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Binding the same stat again (a configuration update keeping a cluster) keeps one exported value. */
class StatsBindingTest {
    @Test
    void bindingAClusterAgainReturnsTheSameCountersAndExportsThemOnce() {
        Stats stats = new Stats();
        ClusterStats first = ClusterStats.bind(stats, "backend");
        first.upstreamCxTotal().add(3);

        ClusterStats again = ClusterStats.bind(stats, "backend");
        again.upstreamCxTotal().increment();

        assertThat(again.upstreamCxTotal()).isSameAs(first.upstreamCxTotal());
        assertThat(stats.value("cluster.backend.upstream_cx_total")).isEqualTo(4);
        assertThat(stats.text().lines().filter(l -> l.startsWith("cluster.backend.upstream_cx_total:"))).hasSize(1);
        assertThat(stats.scrape()).containsPattern("(?m)^envoy_cluster_upstream_cx_total\\{envoy_cluster_name=\"backend\"} 4");
    }

    @Test
    void anExternalStatIsExportedUnderEnvoysUntaggedPrometheusName() {
        Stats stats = new Stats();
        AtomicLong rejected = new AtomicLong(2);

        stats.external("cluster_manager.cds.update_rejected", rejected::get);
        rejected.incrementAndGet();

        assertThat(stats.value("cluster_manager.cds.update_rejected")).isEqualTo(3);
        assertThat(stats.text()).contains("cluster_manager.cds.update_rejected: 3\n");
        assertThat(stats.scrape()).containsPattern("(?m)^envoy_cluster_manager_cds_update_rejected 3");
    }
}
