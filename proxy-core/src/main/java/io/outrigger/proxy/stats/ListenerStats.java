package io.outrigger.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's per-listener stats ({@code listener.<address>.*}), bound once per listener.
 */
public record ListenerStats(LongAdder downstreamCxTotal, LongAdder downstreamCxActive,
                            LongAdder downstreamCxDestroy, LongAdder noFilterChainMatch) {
    /** Binds the stats of the listener on {@code host:port}. */
    public static ListenerStats bind(Stats stats, String host, int port) {
        Stats.Scope s = Stats.Scope.listener(host, port);
        return new ListenerStats(stats.counter(s, "downstream_cx_total"), stats.gauge(s, "downstream_cx_active"),
                stats.counter(s, "downstream_cx_destroy"), stats.counter(s, "no_filter_chain_match"));
    }
}
