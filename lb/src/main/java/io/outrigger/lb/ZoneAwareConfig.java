package io.outrigger.lb;

/**
 * Envoy's {@code CommonLbConfig.ZoneAwareLbConfig}: keep traffic in the caller's zone as far as the
 * upstream capacity there allows, spill the rest to zones with spare capacity.
 *
 * @param routingEnabled percent of requests for which zone-aware routing runs ({@code routing_enabled}, default 100)
 * @param minClusterSize below this many healthy upstream hosts, no zone-aware routing ({@code min_cluster_size}, default 6)
 * @param failTrafficOnPanic in panic, fail the pick instead of using all hosts ({@code fail_traffic_on_panic})
 */
public record ZoneAwareConfig(double routingEnabled, long minClusterSize, boolean failTrafficOnPanic) {
    /** Envoy's defaults. */
    public static final ZoneAwareConfig DEFAULT = new ZoneAwareConfig(100.0, 6, false);

    public ZoneAwareConfig {
        if (!(routingEnabled >= 0 && routingEnabled <= 100)) {
            throw new IllegalArgumentException("routingEnabled: " + routingEnabled + " (expected: 0-100)");
        }
        if (minClusterSize < 0) {
            throw new IllegalArgumentException("minClusterSize: " + minClusterSize + " (expected: >= 0)");
        }
    }
}
