package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code endpoint.v3.ClusterLoadAssignment}.
 *
 * @param overprovisioningFactor percent ({@code policy.overprovisioning_factor}, default 140)
 */
public record LoadAssignmentSpec(String clusterName, List<LocalityEndpointsSpec> localities,
                                 int overprovisioningFactor) {
    public LoadAssignmentSpec {
        Objects.requireNonNull(clusterName, "clusterName");
        localities = List.copyOf(localities);
    }

    public static LoadAssignmentSpec empty(String clusterName) {
        return new LoadAssignmentSpec(clusterName, List.of(), 140);
    }
}
