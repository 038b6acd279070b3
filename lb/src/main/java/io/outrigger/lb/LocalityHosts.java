package io.outrigger.lb;

import java.util.List;
import java.util.Objects;

/**
 * The hosts of one locality at one priority, with the locality's weight
 * ({@code LocalityLbEndpoints.load_balancing_weight}; 0 when the control plane set none).
 */
public record LocalityHosts(Locality locality, int weight, List<Host> hosts) {
    public LocalityHosts {
        Objects.requireNonNull(locality, "locality");
        if (weight < 0) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
        }
        hosts = List.copyOf(hosts);
    }
}
