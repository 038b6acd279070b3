package io.outrigger.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's per-cluster stats ({@code cluster.<name>.*}) that a TCP proxy moves, bound once per cluster.
 */
public record ClusterStats(LongAdder upstreamCxTotal, LongAdder upstreamCxActive, LongAdder upstreamCxConnectFail,
                           LongAdder upstreamCxConnectTimeout, LongAdder upstreamCxDestroy,
                           LongAdder upstreamCxRxBytesTotal, LongAdder upstreamCxTxBytesTotal,
                           LongAdder upstreamCxNoneHealthy, LongAdder membershipTotal,
                           LongAdder membershipHealthy, LongAdder updateSuccess, LongAdder updateFailure) {
    /** Binds the stats of cluster {@code name}. */
    public static ClusterStats bind(Stats stats, String name) {
        Stats.Scope s = Stats.Scope.cluster(name);
        return new ClusterStats(stats.counter(s, "upstream_cx_total"), stats.gauge(s, "upstream_cx_active"),
                stats.counter(s, "upstream_cx_connect_fail"), stats.counter(s, "upstream_cx_connect_timeout"),
                stats.counter(s, "upstream_cx_destroy"), stats.counter(s, "upstream_cx_rx_bytes_total"),
                stats.counter(s, "upstream_cx_tx_bytes_total"), stats.counter(s, "upstream_cx_none_healthy"),
                stats.gauge(s, "membership_total"), stats.gauge(s, "membership_healthy"),
                stats.counter(s, "update_success"), stats.counter(s, "update_failure"));
    }
}
