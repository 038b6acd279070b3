package io.outrigger.proxy.cluster;

import io.outrigger.lb.ClusterLoadBalancer;
import io.outrigger.lb.Host;
import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.LocalityHosts;
import io.outrigger.lb.Membership;
import io.outrigger.lb.PriorityLevel;
import io.outrigger.proxy.stats.ClusterStats;
import io.outrigger.proxy.stats.HostStats;
import io.outrigger.xds.snapshot.ClusterSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster as the data path uses it: its connect timeout, stats, and the current {@link HostSet}.
 * Membership updates (DNS refreshes, EDS) happen on the control thread and publish a new host set
 * by a volatile write; event loops read it once per connection without locks.
 */
public final class ClusterRuntime {
    private final ClusterSpec spec;
    private final LbPolicy policy;
    private final ClusterStats stats;
    private final ClusterLoadBalancer loadBalancer;
    private final int connectTimeoutMillis;
    private final OriginalDstHosts originalDst;
    private volatile HostSet hostSet;

    ClusterRuntime(ClusterSpec spec, LbPolicy policy, ClusterStats stats, LoadBalancerFactory lbFactory) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.loadBalancer = Objects.requireNonNull(lbFactory, "lbFactory").create(policy);
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, spec.connectTimeout().toMillis()));
        this.originalDst = spec.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST ? new OriginalDstHosts() : null;
        update(new Membership(List.of(), Membership.DEFAULT_OVERPROVISIONING_FACTOR));
    }

    /**
     * A new version of {@code previous}'s cluster (a CDS update) that keeps its load balancer, stats
     * and current hosts: per-host state (active requests, outlier ejections, host counters) carries
     * over to the hosts that remain once the new membership is published, and connections opened
     * through {@code previous} release their requests on the same balancer. Only when the policy
     * and the ORIGINAL_DST-ness stay the same ({@link #canSucceed}).
     */
    ClusterRuntime(ClusterSpec spec, ClusterRuntime previous) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (!previous.canSucceed(spec)) {
            throw new IllegalArgumentException("spec: " + spec.type() + "/" + spec.lbPolicy()
                    + " (expected: the policy of the cluster it replaces, " + previous.policy + ")");
        }
        this.policy = previous.policy;
        this.stats = previous.stats;
        this.loadBalancer = previous.loadBalancer;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, spec.connectTimeout().toMillis()));
        this.originalDst = previous.originalDst;
        this.hostSet = previous.hostSet;
    }

    /** Whether this cluster and {@code other} feed one load balancer (one replaced the other). */
    boolean sharesBalancerWith(ClusterRuntime other) {
        return loadBalancer == other.loadBalancer;
    }

    /** Whether a cluster of {@code next}'s spec can take over this one's balancer and hosts. */
    boolean canSucceed(ClusterSpec next) {
        boolean nextOriginalDst = next.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST;
        if (nextOriginalDst != (originalDst != null)) {
            return false;
        }
        return nextOriginalDst || MembershipAdapter.policy(next.lbPolicy()) == policy;
    }

    public String name() {
        return spec.name();
    }

    public ClusterSpec spec() {
        return spec;
    }

    public ClusterStats stats() {
        return stats;
    }

    public Duration connectTimeout() {
        return spec.connectTimeout();
    }

    /** The connect timeout as Netty's {@code CONNECT_TIMEOUT_MILLIS} wants it (at least 1 ms). */
    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** Whether hosts are the connections' original destinations (ORIGINAL_DST) rather than a membership. */
    public boolean isOriginalDst() {
        return originalDst != null;
    }

    /** The ORIGINAL_DST host for {@code destination}, created on first use. Only for ORIGINAL_DST clusters. */
    public UpstreamHost originalDstHost(InetSocketAddress destination) {
        return originalDst.host(destination);
    }

    /** The hosts as {@code /clusters} lists them: the membership, or the ORIGINAL_DST hosts in use. */
    public List<UpstreamHost> hosts() {
        return originalDst != null ? originalDst.snapshot() : hostSet.hosts();
    }

    void cleanupOriginalDstHosts() {
        if (originalDst != null) {
            originalDst.cleanup();
        }
    }

    /** The current hosts; read once per connection. */
    public HostSet hostSet() {
        return hostSet;
    }

    /**
     * Publishes a new membership whose host addresses are IP literals. Hosts that stay keep their
     * stats (Envoy keeps a host's counters across updates that keep the host). Control thread only.
     */
    synchronized void update(Membership membership) {
        HostSet previous = hostSet;
        List<UpstreamHost> hosts = new ArrayList<>();
        Map<Host, UpstreamHost> byHost = new HashMap<>();
        long healthy = 0;
        for (PriorityLevel level : membership.priorities()) {
            for (LocalityHosts locality : level.localities()) {
                for (Host h : locality.hosts()) {
                    UpstreamHost old = previous == null ? null : previous.byHost().get(h);
                    HostStats hostStats = old != null ? old.stats() : HostStats.create();
                    UpstreamHost u = new UpstreamHost(h, new InetSocketAddress(InetAddress.ofLiteral(h.address()), h.port()),
                            hostStats);
                    if (byHost.putIfAbsent(h, u) == null) {
                        hosts.add(u);
                        if (h.health().isHealthyForLb()) {
                            healthy++;
                        }
                    }
                }
            }
        }
        // Publish the hosts first: a pick from the balancer's new membership then always finds its
        // host here, and a pick from the old one that no longer does is skipped by the session.
        hostSet = new HostSet(membership, loadBalancer, hosts, byHost);
        loadBalancer.update(membership);
        stats.membershipTotal().add(hosts.size() - stats.membershipTotal().sum());
        stats.membershipHealthy().add(healthy - stats.membershipHealthy().sum());
        if (previous != null) {
            stats.updateSuccess().increment();
        }
    }
}
