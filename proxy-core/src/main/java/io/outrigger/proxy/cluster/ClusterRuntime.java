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
    private volatile ClusterSpec spec;
    private final LbPolicy policy;
    private final ClusterStats stats;
    private final ClusterLoadBalancer loadBalancer;
    private final int connectTimeoutMillis;
    private final OriginalDstHosts originalDst;
    private volatile HostSet hostSet;
    private volatile UpstreamTransportSocket transportSocket;

    /**
     * @param initial the membership from the configuration itself (STATIC, EDS), not counted as an
     *                update; empty for DNS and ORIGINAL_DST clusters
     */
    ClusterRuntime(ClusterSpec spec, LbPolicy policy, ClusterStats stats, LoadBalancerFactory lbFactory,
                   Membership initial) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.loadBalancer = Objects.requireNonNull(lbFactory, "lbFactory").create(policy);
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, spec.connectTimeout().toMillis()));
        this.originalDst = spec.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST ? new OriginalDstHosts() : null;
        publish(initial);
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

    /** The cluster's TLS, or {@code null} for raw_buffer; read once per upstream connection. */
    public UpstreamTransportSocket transportSocket() {
        return transportSocket;
    }

    /** Sets the cluster's transport socket; done once, on the control thread, before any connection. */
    public void transportSocket(UpstreamTransportSocket socket) {
        this.transportSocket = socket;
    }

    /** An EDS (or STATIC) update that changes only the endpoints: same runtime, new hosts. Control thread. */
    void updateEndpoints(ClusterSpec next) {
        spec = next;
        update(MembershipAdapter.fromAssignment(next.loadAssignment()));
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
        publish(membership);
        stats.updateSuccess().increment();
    }

    private void publish(Membership membership) {
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
    }
}
