package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code endpoint.v3.LocalityLbEndpoints}.
 *
 * @param loadBalancingWeight 0 when unset
 */
public record LocalityEndpointsSpec(LocalitySpec locality, int loadBalancingWeight, int priority,
                                    List<EndpointSpec> endpoints) {
    public LocalityEndpointsSpec {
        Objects.requireNonNull(locality, "locality");
        endpoints = List.copyOf(endpoints);
    }
}
