package io.outrigger.proxy.cluster;

import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.LoadBalancer;
import io.outrigger.lb.Membership;

/** Builds a cluster's picker for one membership; called on the control thread at every update. */
@FunctionalInterface
public interface LoadBalancerFactory {
    LoadBalancer create(Membership membership, LbPolicy policy);
}
