package io.outrigger.proxy.listener;

import io.outrigger.proxy.stats.ListenerStats;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.util.Objects;

/**
 * A listener as the data path runs it: its spec, its stats and its filter chains, each of which
 * ends in a tcp_proxy or an http_connection_manager. Immutable; a new configuration builds a new one.
 */
public record ListenerRuntime(ListenerSpec spec, ListenerStats stats, FilterChainSelector<NetworkChain> chains) {
    public ListenerRuntime {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(chains, "chains");
    }

    public String name() {
        return spec.name();
    }
}
