package io.outrigger.xds.snapshot;

import java.util.Map;
import java.util.Objects;

/**
 * {@code endpoint.v3.LbEndpoint}.
 *
 * @param loadBalancingWeight 1 when unset
 * @param metadata filter metadata flattened to {@code "filter.key" -> value}, e.g.
 *                 {@code "istio.network" -> "network2"}; non-string values as JSON text
 */
public record EndpointSpec(SocketAddressSpec address, int loadBalancingWeight, Health health,
                           Map<String, String> metadata) {
    /** {@code core.v3.HealthStatus}. */
    public enum Health { UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED }

    public EndpointSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(health, "health");
        metadata = Map.copyOf(metadata);
    }
}
