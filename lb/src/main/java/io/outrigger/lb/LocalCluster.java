package io.outrigger.lb;

import java.util.Objects;

/**
 * Zone-aware routing inputs: where the caller runs and the membership of the caller's own service
 * (Envoy's {@code local_cluster_name}), whose healthy hosts per locality say how many callers each
 * zone has.
 */
public record LocalCluster(Locality locality, Membership membership) {
    public LocalCluster {
        Objects.requireNonNull(locality, "locality");
        Objects.requireNonNull(membership, "membership");
    }
}
