package io.outrigger.proxy.cluster;

import io.outrigger.lb.ClusterLoadBalancer;
import io.outrigger.lb.LbPolicy;

/**
 * Creates a cluster's load balancer once; the cluster then feeds it every membership update
 * ({@link ClusterLoadBalancer#update}) so per-host state such as active requests follows the hosts
 * that stay. Called on the control thread.
 */
@FunctionalInterface
public interface LoadBalancerFactory {
    ClusterLoadBalancer create(LbPolicy policy);
}
