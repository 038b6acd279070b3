package io.outrigger.lb;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one cluster's load balancer, named after Envoy's {@code cluster.<name>.lb_*} stats so
 * the admin and Prometheus output can expose them under the names users know.
 */
public final class LbStats {
    final LongAdder healthyPanic = new LongAdder();
    final LongAdder zoneRoutingAllDirectly = new LongAdder();
    final LongAdder zoneRoutingSampled = new LongAdder();
    final LongAdder zoneRoutingCrossZone = new LongAdder();
    final LongAdder zoneNoCapacityLeft = new LongAdder();
    final LongAdder zoneClusterTooSmall = new LongAdder();
    final LongAdder localClusterNotOk = new LongAdder();
    final LongAdder noHealthyHost = new LongAdder();
    final LongAdder localityPolicyNoLocalHost = new LongAdder();

    /** {@code lb_healthy_panic}: picks made among all hosts because a priority was in panic. */
    public long healthyPanic() { return healthyPanic.sum(); }
    /** {@code lb_zone_routing_all_directly}. */
    public long zoneRoutingAllDirectly() { return zoneRoutingAllDirectly.sum(); }
    /** {@code lb_zone_routing_sampled}. */
    public long zoneRoutingSampled() { return zoneRoutingSampled.sum(); }
    /** {@code lb_zone_routing_cross_zone}. */
    public long zoneRoutingCrossZone() { return zoneRoutingCrossZone.sum(); }
    /** {@code lb_zone_no_capacity_left}. */
    public long zoneNoCapacityLeft() { return zoneNoCapacityLeft.sum(); }
    /** {@code lb_zone_cluster_too_small} (counted per rebuild, as in Envoy). */
    public long zoneClusterTooSmall() { return zoneClusterTooSmall.sum(); }
    /** {@code lb_local_cluster_not_ok} (counted per rebuild, as in Envoy). */
    public long localClusterNotOk() { return localClusterNotOk.sum(); }
    /** {@code upstream_cx_none_healthy}-like: picks that returned no host. */
    public long noHealthyHost() { return noHealthyHost.sum(); }
    /** Picks refused because a Locality global traffic policy left no host in the caller's locality. */
    public long localityPolicyNoLocalHost() { return localityPolicyNoLocalHost.sum(); }
}
