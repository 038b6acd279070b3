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
 * @param http upstream HTTP protocol, circuit breakers and outlier detection
 * @param tls the {@code UpstreamTlsContext} when connections to the hosts originate TLS, {@code null} for
 *            raw_buffer
 */
public record ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                          LoadAssignmentSpec loadAssignment, UpstreamBindSpec upstreamBind,
                          UpstreamHttpSpec http, UpstreamTlsSpec tls) {
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

    /**
     * A plaintext (raw_buffer) cluster without {@code upstream_bind_config} and with Envoy's HTTP
     * defaults (HTTP/1.1 upstream, default circuit breakers, no outlier detection).
     */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, (UpstreamBindSpec) null, UpstreamHttpSpec.DEFAULTS,
                null);
    }

    /** A plaintext cluster with {@code upstream_bind_config} (or {@code null}) and Envoy's HTTP defaults. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamBindSpec upstreamBind) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, upstreamBind, UpstreamHttpSpec.DEFAULTS, null);
    }

    /** A plaintext cluster without {@code upstream_bind_config}, with the given HTTP settings. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamHttpSpec http) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, null, http, null);
    }

    /** A plaintext cluster with the given bind config and HTTP settings. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamBindSpec upstreamBind, UpstreamHttpSpec http) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, upstreamBind, http, null);
    }

    /** A cluster without {@code upstream_bind_config}, with Envoy's HTTP defaults. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamTlsSpec tls) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, null, UpstreamHttpSpec.DEFAULTS, tls);
    }

    /** A cluster with the given bind config and TLS, with Envoy's HTTP defaults. */
    public ClusterSpec(String name, DiscoveryType type, Duration connectTimeout, LbPolicyName lbPolicy,
                       LoadAssignmentSpec loadAssignment, UpstreamBindSpec upstreamBind, UpstreamTlsSpec tls) {
        this(name, type, connectTimeout, lbPolicy, loadAssignment, upstreamBind, UpstreamHttpSpec.DEFAULTS, tls);
    }

    /** This cluster with other upstream HTTP settings, everything else kept. */
    public ClusterSpec withHttp(UpstreamHttpSpec h) {
        return new ClusterSpec(name, type, connectTimeout, lbPolicy, loadAssignment, upstreamBind, h, tls);
    }

    /** This cluster with another load assignment (an EDS update), everything else kept. */
    public ClusterSpec withLoadAssignment(LoadAssignmentSpec assignment) {
        return new ClusterSpec(name, type, connectTimeout, lbPolicy, assignment, upstreamBind, http, tls);
    }
}
