package io.outrigger.proxy.listener;

import io.outrigger.proxy.stats.ListenerStats;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * A listener as the data path runs it: its spec, its stats and its filter chains, each of which
 * ends in a tcp_proxy or an http_connection_manager (with, for TLS chains, its TLS and RBAC).
 * Immutable; a new configuration builds a new one. Whether it restores original destinations is
 * read from the spec ({@link ListenerSpec#restoresOriginalDst()}).
 */
public record ListenerRuntime(ListenerSpec spec, ListenerStats stats, FilterChainSelector<ChainRuntime> chains) {
    /** Envoy's default {@code listener_filters_timeout}: a client that sends no ClientHello in time is closed. */
    public static final Duration LISTENER_FILTERS_TIMEOUT = Duration.ofSeconds(15);

    public ListenerRuntime {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(chains, "chains");
    }

    public String name() {
        return spec.name();
    }

    /** Whether the listener runs {@code envoy.filters.listener.tls_inspector} before choosing a chain. */
    public boolean tlsInspector() {
        for (ListenerFilterSpec f : spec.listenerFilters()) {
            if (f.kind() == ListenerFilterSpec.Kind.TLS_INSPECTOR) {
                return true;
            }
        }
        return false;
    }
}
