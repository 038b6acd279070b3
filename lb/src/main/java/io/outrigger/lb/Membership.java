package io.outrigger.lb;

import java.util.List;

/**
 * A cluster's hosts by priority and locality, as one {@code ClusterLoadAssignment} describes them.
 *
 * @param priorities index i holds priority i; a priority with no localities is allowed
 * @param overprovisioningFactor percent, Envoy's {@code policy.overprovisioning_factor} (default 140)
 */
public record Membership(List<PriorityLevel> priorities, int overprovisioningFactor) {
    /** Envoy's default overprovisioning factor: 1.4. */
    public static final int DEFAULT_OVERPROVISIONING_FACTOR = 140;

    public Membership {
        priorities = List.copyOf(priorities);
        if (overprovisioningFactor < 1) {
            throw new IllegalArgumentException(
                    "overprovisioningFactor: " + overprovisioningFactor + " (expected: >= 1)");
        }
    }
}
