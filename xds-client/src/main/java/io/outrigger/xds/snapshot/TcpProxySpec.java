package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code envoy.filters.network.tcp_proxy}. A single {@code cluster} is one entry of weight 1.
 *
 * @param idleTimeout {@link Duration#ZERO} disables it (Envoy's default is 1 hour)
 */
public record TcpProxySpec(String name, String statPrefix, List<WeightedClusterSpec> clusters,
                           Duration idleTimeout) implements NetworkFilterSpec {
    public TcpProxySpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(statPrefix, "statPrefix");
        clusters = List.copyOf(clusters);
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("clusters: empty (expected: at least one)");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}
