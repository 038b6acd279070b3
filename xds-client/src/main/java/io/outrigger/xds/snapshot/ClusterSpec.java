package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code cluster.v3.Cluster}.
 *
 * @param loadAssignment the endpoints; for EDS clusters the last assignment received, or an empty
 *                       one while warming; for ORIGINAL_DST empty
 * @param upstreamBind {@code upstream_bind_config}, or {@code null} when unset (the kernel picks
 *                     the source address)
 * @param tls the {@code UpstreamTlsContext} when connections to the hosts originate TLS, {@code null} for
 *            raw_buffer
 */
public record ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                          LoadAssignmentSpec loadAssignment, UpstreamBindSpec upstreamBind, UpstreamTlsSpec tls) {
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
    }

    /** A plaintext (raw_buffer) cluster without {@code upstream_bind_config}. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, (UpstreamBindSpec) null, null);
    }

    /** A plaintext (raw_buffer) cluster. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamBindSpec upstreamBind) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, upstreamBind, null);
    }

    /** A cluster without {@code upstream_bind_config}. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamTlsSpec tls) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, null, tls);
    }

    /** This cluster with another load assignment (an EDS update), everything else kept. */
    public ClusterSpec withLoadAssignment(LoadAssignmentSpec assignment) {
        return new ClusterSpec(name, type, connectTimeout, lbPolicy, assignment, upstreamBind, tls);
    }
}
