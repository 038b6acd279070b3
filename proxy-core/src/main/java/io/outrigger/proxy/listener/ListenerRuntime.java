package io.outrigger.proxy.listener;

import io.outrigger.proxy.stats.ListenerStats;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.util.Objects;

/**
 * A listener as the data path runs it: its spec, its stats and its filter chains, each of which
 * ends in a tcp_proxy. Immutable; a new configuration builds a new one.
 *
 * @param originalDst the listener runs the original_dst listener filter (configured, or implied by
 *                    {@code use_original_dst} as in Envoy): chains are matched on, ORIGINAL_DST
 *                    clusters connect to, and hand-off looks up the destination before redirection
 */
public record ListenerRuntime(ListenerSpec spec, ListenerStats stats, FilterChainSelector<TcpProxyRoute> chains,
                              boolean originalDst) {
    public ListenerRuntime {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(chains, "chains");
    }

    public String name() {
        return spec.name();
    }
}
