package io.outrigger.proxy.cluster;

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
    private final LoadBalancerFactory lbFactory;
    private final int connectTimeoutMillis;
    private volatile HostSet hostSet;
    private volatile UpstreamTransportSocket transportSocket;

    ClusterRuntime(ClusterSpec spec, LbPolicy policy, ClusterStats stats, LoadBalancerFactory lbFactory) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.lbFactory = Objects.requireNonNull(lbFactory, "lbFactory");
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, spec.connectTimeout().toMillis()));
        update(new Membership(List.of(), Membership.DEFAULT_OVERPROVISIONING_FACTOR));
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
        hostSet = new HostSet(membership, lbFactory.create(membership, policy), hosts, byHost);
        stats.membershipTotal().add(hosts.size() - stats.membershipTotal().sum());
        stats.membershipHealthy().add(healthy - stats.membershipHealthy().sum());
        if (previous != null) {
            stats.updateSuccess().increment();
        }
    }
}
