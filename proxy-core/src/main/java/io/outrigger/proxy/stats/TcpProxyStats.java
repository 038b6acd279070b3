package io.outrigger.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's tcp_proxy stats ({@code tcp.<stat_prefix>.*}), bound once per tcp_proxy filter.
 */
public record TcpProxyStats(LongAdder downstreamCxTotal, LongAdder downstreamCxNoRoute,
                            LongAdder downstreamCxRxBytesTotal, LongAdder downstreamCxTxBytesTotal,
                            LongAdder downstreamFlowControlPausedReadingTotal,
                            LongAdder downstreamFlowControlResumedReadingTotal, LongAdder idleTimeout,
                            LongAdder certificateExpiryDrain) {
    /** Binds the stats of the tcp_proxy with this {@code stat_prefix}. */
    public static TcpProxyStats bind(Stats stats, String statPrefix) {
        Stats.Scope s = Stats.Scope.tcp(statPrefix);
        return new TcpProxyStats(stats.counter(s, "downstream_cx_total"), stats.counter(s, "downstream_cx_no_route"),
                stats.counter(s, "downstream_cx_rx_bytes_total"), stats.counter(s, "downstream_cx_tx_bytes_total"),
                stats.counter(s, "downstream_flow_control_paused_reading_total"),
                stats.counter(s, "downstream_flow_control_resumed_reading_total"),
                stats.counter(s, "idle_timeout"),
                // Outrigger's own: connections finished early because a TLS certificate was about to expire.
                stats.counter(s, "certificate_expiry_drain"));
    }
}
