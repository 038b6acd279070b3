package io.outrigger.proxy.cluster;

import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.Membership;
import io.outrigger.proxy.stats.ClusterStats;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clusters of the current configuration. STATIC and EDS clusters take their hosts from their
 * load assignment, DNS clusters are kept fresh by a {@link DnsRefresher} on the control thread,
 * ORIGINAL_DST clusters create hosts on demand. Updates run on the control thread and publish an
 * immutable name map by reference; a connection reads the clusters it was routed to and keeps them.
 */
public final class ClusterManager implements AutoCloseable {
    /** Envoy's default {@code dns_refresh_rate}. */
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(5);
    /** Envoy's default ORIGINAL_DST {@code cleanup_interval}. */
    public static final Duration ORIGINAL_DST_CLEANUP = Duration.ofSeconds(5);

    private final Stats stats;
    private final LoadBalancerFactory lbFactory;
    private final MembershipAdapter.Resolver resolver;
    private volatile Map<String, ClusterRuntime> clusters = Map.of();
    private final Map<String, DnsRefresher> refreshers = new HashMap<>();
    private ScheduledExecutorService executor;
    private Duration refreshRate;
    private ScheduledFuture<?> cleanup;

    private ClusterManager(Stats stats, LoadBalancerFactory lbFactory, MembershipAdapter.Resolver resolver) {
        this.stats = Objects.requireNonNull(stats, "stats");
        this.lbFactory = Objects.requireNonNull(lbFactory, "lbFactory");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The JDK resolver, used off the event loops only. */
    public static MembershipAdapter.Resolver systemResolver() {
        return host -> Arrays.asList(InetAddress.getAllByName(host));
    }

    /**
     * Builds every cluster and binds its stats. DNS clusters start empty: call {@link #startDns}
     * and wait for it before reporting ready, as Envoy warms them first.
     */
    public static ClusterManager build(List<ClusterSpec> specs, Stats stats, LoadBalancerFactory lbFactory,
                                       MembershipAdapter.Resolver resolver) {
        ClusterManager m = new ClusterManager(stats, lbFactory, resolver);
        m.update(specs);
        return m;
    }

    /**
     * Resolves every DNS cluster once, on the caller's thread (the control thread during startup),
     * then refreshes them every {@code refreshRate} on {@code executor}, which also forgets unused
     * ORIGINAL_DST hosts. Clusters added later by {@link #update} are resolved as they arrive.
     */
    public synchronized void startDns(ScheduledExecutorService executor, Duration refreshRate) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.refreshRate = Objects.requireNonNull(refreshRate, "refreshRate");
        for (DnsRefresher r : refreshers.values()) {
            r.refresh();
            r.startAfterFirst(executor, refreshRate);
        }
        long ms = ORIGINAL_DST_CLEANUP.toMillis();
        cleanup = executor.scheduleWithFixedDelay(
                () -> clusters.values().forEach(ClusterRuntime::cleanupOriginalDstHosts), ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Moves to a new list of clusters, as a CDS/EDS update does: an unchanged cluster is kept as it
     * is; a STATIC or EDS cluster whose only change is its load assignment keeps its runtime and
     * publishes the new hosts (host stats and balancer state follow the hosts that stay); any other
     * change replaces the cluster (stats continue under the same name); missing clusters go.
     * Control thread only.
     */
    public synchronized void update(List<ClusterSpec> specs) {
        Map<String, ClusterRuntime> next = new LinkedHashMap<>();
        for (ClusterSpec spec : specs) {
            ClusterRuntime old = clusters.get(spec.name());
            if (old != null && old.spec().equals(spec)) {
                next.put(spec.name(), old);
            } else if (old != null && onlyEndpointsChanged(old.spec(), spec)) {
                old.updateEndpoints(spec);
                next.put(spec.name(), old);
            } else {
                next.put(spec.name(), create(spec));
            }
        }
        for (String name : clusters.keySet()) {
            if (!next.containsKey(name)) {
                DnsRefresher r = refreshers.remove(name);
                if (r != null) {
                    r.stop();
                }
            }
        }
        clusters = java.util.Collections.unmodifiableMap(next);
    }

    private static boolean onlyEndpointsChanged(ClusterSpec a, ClusterSpec b) {
        boolean membershipFromSpec = a.type() == ClusterSpec.DiscoveryType.STATIC
                || a.type() == ClusterSpec.DiscoveryType.EDS;
        return membershipFromSpec && a.type() == b.type() && a.lbPolicy() == b.lbPolicy()
                && a.connectTimeout().equals(b.connectTimeout())
                && !a.loadAssignment().equals(b.loadAssignment())
                && withEndpoints(a, b.loadAssignment()).equals(b);
    }

    private static ClusterSpec withEndpoints(ClusterSpec c, LoadAssignmentSpec la) {
        return new ClusterSpec(c.name(), c.type(), c.connectTimeout(), c.lbPolicy(), la, c.tls());
    }

    private ClusterRuntime create(ClusterSpec spec) {
        DnsRefresher replaced = refreshers.remove(spec.name());
        if (replaced != null) {
            replaced.stop();
        }
        // ORIGINAL_DST has no picker (lb_policy CLUSTER_PROVIDED): its balancer stays empty and unused.
        LbPolicy policy = spec.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST
                ? LbPolicy.RANDOM : MembershipAdapter.policy(spec.lbPolicy());
        boolean fromSpec = spec.type() == ClusterSpec.DiscoveryType.STATIC || spec.type() == ClusterSpec.DiscoveryType.EDS;
        ClusterRuntime runtime = new ClusterRuntime(spec, policy, ClusterStats.bind(stats, spec.name()), lbFactory,
                fromSpec ? MembershipAdapter.fromAssignment(spec.loadAssignment())
                        : new Membership(List.of(), Membership.DEFAULT_OVERPROVISIONING_FACTOR));
        switch (spec.type()) {
            case STATIC, EDS -> {
                // hosts come with the spec (and with each EDS update)
            }
            case STRICT_DNS, LOGICAL_DNS -> {
                DnsRefresher r = new DnsRefresher(runtime, resolver);
                refreshers.put(spec.name(), r);
                if (executor != null) {
                    // Warm it now (we are on the control thread), as Envoy warms a new cluster.
                    r.refresh();
                    r.startAfterFirst(executor, refreshRate);
                }
            }
            case ORIGINAL_DST -> {
                // hosts are created per original destination
            }
        }
        return runtime;
    }

    /** The cluster with this name, or {@code null}. */
    public ClusterRuntime get(String name) {
        return clusters.get(name);
    }

    /** All clusters in declaration order. */
    public Collection<ClusterRuntime> all() {
        return clusters.values();
    }

    @Override
    public synchronized void close() {
        for (DnsRefresher r : refreshers.values()) {
            r.stop();
        }
        if (cleanup != null) {
            cleanup.cancel(false);
        }
    }

    /** For tests: the clusters' names in order. */
    List<String> names() {
        return new ArrayList<>(clusters.keySet());
    }
}
