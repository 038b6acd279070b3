package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code cluster.v3.Cluster}.
 *
 * @param loadAssignment the endpoints; for EDS clusters the last assignment received, or an empty
 *                       one while warming; for ORIGINAL_DST empty
 * @param http upstream HTTP protocol, circuit breakers and outlier detection
 */
public record ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                          LoadAssignmentSpec loadAssignment, UpstreamHttpSpec http) {
    /** {@code Cluster.DiscoveryType}. */
    public enum DiscoveryType { STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST }

    /** {@code Cluster.LbPolicy}. */
    public enum LbPolicyName { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, CLUSTER_PROVIDED }

    public ClusterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        Objects.requireNonNull(loadAssignment, "loadAssignment");
        Objects.requireNonNull(http, "http");
    }

    /** A cluster with Envoy's HTTP defaults (HTTP/1.1 upstream, default circuit breakers, no outlier detection). */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, UpstreamHttpSpec.DEFAULTS);
    }

    public ClusterSpec withHttp(UpstreamHttpSpec h) {
        return new ClusterSpec(name, type, connectTimeout, lbPolicy, loadAssignment, h);
    }
}
