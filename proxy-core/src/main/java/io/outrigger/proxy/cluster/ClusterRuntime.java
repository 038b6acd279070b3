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
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster as the data path uses it: its connect timeout, stats, upstream bind source, and the
 * current {@link HostSet} (always empty for ORIGINAL_DST, whose host is each connection's
 * original destination, kept in an {@link OriginalDstHosts} while in use).
 * Membership updates (DNS refreshes, EDS) happen on the control thread and publish a new host set
 * by a volatile write; event loops read it once per connection without locks.
 */
public final class ClusterRuntime {
    private final ClusterSpec spec;
    private final LbPolicy policy;
    private final ClusterStats stats;
    private final ClusterLoadBalancer loadBalancer;
    private final int connectTimeoutMillis;
    /** The ORIGINAL_DST hosts in use, or {@code null} for any other cluster type. */
    private final OriginalDstHosts originalDst;
    private final InetSocketAddress bindSource;
    private final InetSocketAddress bindSourceV4;
    private final InetSocketAddress bindSourceV6;
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
        InetSocketAddress[] bind = bindSources(spec);
        this.bindSource = bind[0];
        this.bindSourceV4 = bind[1];
        this.bindSourceV6 = bind[2];
        publish(initial);
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
        // The bind sources are the new spec's: a changed upstream_bind_config applies to new connections.
        InetSocketAddress[] bind = bindSources(spec);
        this.bindSource = bind[0];
        this.bindSourceV4 = bind[1];
        this.bindSourceV6 = bind[2];
        this.hostSet = previous.hostSet;
    }

    /** {@code upstream_bind_config}'s sources: the first one, the first IPv4 one, the first IPv6 one (each may be null). */
    private static InetSocketAddress[] bindSources(ClusterSpec spec) {
        InetSocketAddress source = null;
        InetSocketAddress v4 = null;
        InetSocketAddress v6 = null;
        if (spec.upstreamBind() != null) {
            List<SocketAddressSpec> all = new ArrayList<>();
            all.add(spec.upstreamBind().sourceAddress());
            all.addAll(spec.upstreamBind().extraSourceAddresses());
            for (SocketAddressSpec a : all) {
                InetSocketAddress isa = new InetSocketAddress(InetAddress.ofLiteral(a.address()), a.port());
                if (source == null) {
                    source = isa;
                }
                if (isa.getAddress() instanceof Inet6Address) {
                    v6 = v6 == null ? isa : v6;
                } else {
                    v4 = v4 == null ? isa : v4;
                }
            }
        }
        return new InetSocketAddress[] {source, v4, v6};
    }

    /** Whether this cluster and {@code other} feed one load balancer (one replaced the other). */
    public boolean sharesBalancerWith(ClusterRuntime other) {
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

    /** The cluster's TLS, or {@code null} for raw_buffer; read once per upstream connection. */
    public UpstreamTransportSocket transportSocket() {
        return transportSocket;
    }

    /**
     * Sets the cluster's transport socket, on the control thread: before any listener that uses
     * this runtime is published, or (new secrets, same cluster) for the connections made from then on.
     */
    public void transportSocket(UpstreamTransportSocket socket) {
        this.transportSocket = socket;
    }

    /** Whether this is an ORIGINAL_DST cluster: connections go to their own original destination. */
    public boolean originalDst() {
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

    /**
     * The local address to bind an upstream connection to {@code remote} to
     * ({@code upstream_bind_config}): the source of the same IP family, else
     * {@code source_address} as Envoy does; {@code null} when the cluster has no bind config.
     */
    public InetSocketAddress bindAddressFor(InetSocketAddress remote) {
        if (bindSource == null) {
            return null;
        }
        InetSocketAddress sameFamily = remote.getAddress() instanceof Inet6Address ? bindSourceV6 : bindSourceV4;
        return sameFamily != null ? sameFamily : bindSource;
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
