package io.outrigger.lb;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster's {@code circuit_breakers}: one {@link CircuitBreaker} per routing priority (Envoy's
 * {@code RoutingPriority} DEFAULT and HIGH, chosen per route), each with its own thresholds.
 */
public final class CircuitBreakers {
    /** Envoy's {@code config.core.v3.RoutingPriority}. */
    public enum RoutingPriority { DEFAULT, HIGH }

    private final CircuitBreaker defaultPriority;
    private final CircuitBreaker highPriority;

    /** Priorities missing from {@code thresholds} get Envoy's defaults. */
    public CircuitBreakers(Map<RoutingPriority, CircuitBreakerThresholds> thresholds) {
        Map<RoutingPriority, CircuitBreakerThresholds> t = new EnumMap<>(RoutingPriority.class);
        t.putAll(Objects.requireNonNull(thresholds, "thresholds"));
        this.defaultPriority = new CircuitBreaker(t.getOrDefault(RoutingPriority.DEFAULT, CircuitBreakerThresholds.DEFAULT));
        this.highPriority = new CircuitBreaker(t.getOrDefault(RoutingPriority.HIGH, CircuitBreakerThresholds.DEFAULT));
    }

    /** Envoy's defaults for both priorities. */
    public static CircuitBreakers defaults() {
        return new CircuitBreakers(Map.of());
    }

    public CircuitBreaker forPriority(RoutingPriority priority) {
        return priority == RoutingPriority.HIGH ? highPriority : defaultPriority;
    }
}
