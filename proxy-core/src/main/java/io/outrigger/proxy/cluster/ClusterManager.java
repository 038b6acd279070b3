package io.outrigger.proxy.cluster;

import io.outrigger.lb.LbPolicy;
import io.outrigger.proxy.stats.ClusterStats;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.ClusterSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clusters of one configuration, built on the control thread: STATIC and EDS clusters from
 * their load assignment, DNS clusters kept fresh by a {@link DnsRefresher} on the DNS thread,
 * ORIGINAL_DST clusters with no membership (each connection brings its own destination, which
 * becomes a host while it has connections).
 */
public final class ClusterManager implements AutoCloseable {
    /** Envoy's default {@code dns_refresh_rate}. */
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(5);

    /** Envoy's default ORIGINAL_DST {@code cleanup_interval}. */
    public static final Duration ORIGINAL_DST_CLEANUP = Duration.ofSeconds(5);

    private final Map<String, ClusterRuntime> clusters;
    private final List<DnsRefresher> refreshers;
    private final List<ClusterRuntime> originalDst;
    private ScheduledFuture<?> cleanup;

    private ClusterManager(Map<String, ClusterRuntime> clusters, List<DnsRefresher> refreshers,
                           List<ClusterRuntime> originalDst) {
        this.clusters = clusters;
        this.refreshers = refreshers;
        this.originalDst = originalDst;
    }

    /** The JDK resolver, used off the event loops only. */
    public static MembershipAdapter.Resolver systemResolver() {
        return host -> Arrays.asList(InetAddress.getAllByName(host));
    }

    /**
     * Builds every cluster and binds its stats. DNS clusters start empty: call
     * {@link #startDns} and wait for it before reporting ready, as Envoy warms them first.
     */
    public static ClusterManager build(List<ClusterSpec> specs, Stats stats, LoadBalancerFactory lbFactory,
                                       MembershipAdapter.Resolver resolver) {
        Objects.requireNonNull(resolver, "resolver");
        Map<String, ClusterRuntime> clusters = new LinkedHashMap<>();
        List<DnsRefresher> refreshers = new ArrayList<>();
        List<ClusterRuntime> originalDst = new ArrayList<>();
        for (ClusterSpec spec : specs) {
            // ORIGINAL_DST has no picker (lb_policy CLUSTER_PROVIDED): its balancer stays empty and unused.
            LbPolicy policy = spec.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST
                    ? LbPolicy.ROUND_ROBIN : MembershipAdapter.policy(spec.lbPolicy());
            ClusterRuntime runtime = new ClusterRuntime(spec, policy, ClusterStats.bind(stats, spec.name()), lbFactory);
            switch (spec.type()) {
                case STATIC, EDS -> runtime.update(MembershipAdapter.fromAssignment(spec.loadAssignment()));
                case STRICT_DNS, LOGICAL_DNS -> refreshers.add(new DnsRefresher(runtime, resolver));
                // Hosts are the connections' original destinations, created per connection and forgotten when unused.
                case ORIGINAL_DST -> originalDst.add(runtime);
            }
            clusters.put(spec.name(), runtime);
        }
        return new ClusterManager(clusters, refreshers, originalDst);
    }

    /**
     * Resolves every DNS cluster once, on the caller's thread (the control thread during startup),
     * then refreshes them every {@code refreshRate} on {@code dnsExecutor}, which also forgets
     * unused ORIGINAL_DST hosts.
     */
    public void startDns(ScheduledExecutorService dnsExecutor, Duration refreshRate) {
        for (DnsRefresher r : refreshers) {
            r.refresh();
        }
        for (DnsRefresher r : refreshers) {
            r.startAfterFirst(dnsExecutor, refreshRate);
        }
        if (!originalDst.isEmpty()) {
            long ms = ORIGINAL_DST_CLEANUP.toMillis();
            cleanup = dnsExecutor.scheduleWithFixedDelay(() -> originalDst.forEach(ClusterRuntime::cleanupOriginalDstHosts),
                    ms, ms, TimeUnit.MILLISECONDS);
        }
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
    public void close() {
        for (DnsRefresher r : refreshers) {
            r.stop();
        }
        if (cleanup != null) {
            cleanup.cancel(false);
        }
    }
}
