package io.outrigger.proxy.cluster;

import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.Membership;
import io.outrigger.proxy.stats.ClusterStats;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.ClusterSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clusters of one configuration, built on the control thread: STATIC and EDS clusters from
 * their load assignment, DNS clusters kept fresh by a {@link DnsRefresher} on the DNS thread.
 */
public final class ClusterManager implements AutoCloseable {
    /** Envoy's default {@code dns_refresh_rate}. */
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(5);

    private final Map<String, ClusterRuntime> clusters;
    /** Envoy's default ORIGINAL_DST {@code cleanup_interval}. */
    public static final Duration ORIGINAL_DST_CLEANUP = Duration.ofSeconds(5);

    private static final Membership EMPTY = new Membership(List.of(), Membership.DEFAULT_OVERPROVISIONING_FACTOR);

    private final List<DnsRefresher> refreshers;
    private final List<ClusterRuntime> originalDst;
    private ScheduledFuture<?> cleanup;
    private List<Runnable> deferredMemberships = List.of();

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
     *
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
                    ? LbPolicy.RANDOM : MembershipAdapter.policy(spec.lbPolicy());
            boolean fromSpec = spec.type() == ClusterSpec.DiscoveryType.STATIC
                    || spec.type() == ClusterSpec.DiscoveryType.EDS;
            // The configuration's own hosts are the initial membership, not an update (update_success stays 0).
            ClusterRuntime runtime = new ClusterRuntime(spec, policy, ClusterStats.bind(stats, spec.name()), lbFactory,
                    fromSpec ? MembershipAdapter.fromAssignment(spec.loadAssignment()) : EMPTY);
            switch (spec.type()) {
                case STATIC, EDS -> { }
                case STRICT_DNS, LOGICAL_DNS -> refreshers.add(new DnsRefresher(runtime, resolver));
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
        scheduleCleanup(dnsExecutor);
    }

    /** The cluster with this name, or {@code null}. */
    public ClusterRuntime get(String name) {
        return clusters.get(name);
    }

    /** All clusters in declaration order. */
    public Collection<ClusterRuntime> all() {
        return clusters.values();
    }

    /**
     * The clusters of a new configuration (a CDS or EDS update), built from these on the caller's
     * thread, never an event loop. A cluster whose spec is unchanged is kept as it is (hosts, stats,
     * DNS refresher). A changed one gets a new {@link ClusterRuntime} that keeps this one's load
     * balancer and hosts when the policy stays, so per-host state survives for the hosts that
     * remain; its new membership is published at once (EDS) or by its new DNS refresher. A removed
     * one stops refreshing; connections open through it keep their hosts until they end.
     *
     * <p>This manager is spent afterwards: do not {@link #close} it, its refreshers may live on in
     * the new one.
     *
     * @param problems receives, per cluster that cannot be built, its name and why; the previous
     *                 version of such a cluster, if any, stays in the result (Envoy keeps the last
     *                 good version of a rejected resource)
     */
    public ClusterManager update(List<ClusterSpec> specs, Stats stats, LoadBalancerFactory lbFactory,
                                 MembershipAdapter.Resolver resolver, ScheduledExecutorService dnsExecutor,
                                 Duration refreshRate, Map<String, String> problems) {
        Objects.requireNonNull(resolver, "resolver");
        Map<ClusterRuntime, DnsRefresher> refresherOf = new IdentityHashMap<>();
        for (DnsRefresher r : refreshers) {
            refresherOf.put(r.cluster(), r);
        }
        Map<String, ClusterRuntime> next = new LinkedHashMap<>();
        List<DnsRefresher> kept = new ArrayList<>();
        List<DnsRefresher> added = new ArrayList<>();
        List<ClusterRuntime> nextOriginalDst = new ArrayList<>();
        List<Runnable> deferred = new ArrayList<>();
        for (ClusterSpec spec : specs) {
            ClusterRuntime old = clusters.get(spec.name());
            ClusterRuntime runtime = old;
            if (old == null || !old.spec().equals(spec)) {
                try {
                    runtime = build(spec, old, stats, lbFactory);
                } catch (IllegalArgumentException e) {
                    problems.put(spec.name(), e.getMessage());
                    if (old == null) {
                        continue;
                    }
                }
            }
            if (runtime == old) {
                DnsRefresher r = refresherOf.remove(old);
                if (r != null) {
                    kept.add(r);
                }
            } else {
                switch (spec.type()) {
                    case STATIC, EDS -> {
                        ClusterRuntime target = runtime;
                        Runnable publish = () -> target.update(MembershipAdapter.fromAssignment(spec.loadAssignment()));
                        if (old != null && target.sharesBalancerWith(old)) {
                            // The balancer is shared with the version the listeners still use: updating
                            // it now would hand them picks their host set does not have.
                            deferred.add(publish);
                        } else {
                            publish.run();
                        }
                    }
                    case STRICT_DNS, LOGICAL_DNS -> added.add(new DnsRefresher(runtime, resolver));
                    case ORIGINAL_DST -> { }
                }
            }
            if (runtime.originalDst()) {
                nextOriginalDst.add(runtime);
            }
            next.put(spec.name(), runtime);
        }
        // What is left refreshes clusters that were removed or replaced. A replaced one shares its
        // balancer with its successor: wait until no refresh of it runs before the new one starts.
        if (!refresherOf.isEmpty()) {
            refresherOf.values().forEach(DnsRefresher::stop);
            awaitIdle(dnsExecutor);
        }
        if (cleanup != null) {
            cleanup.cancel(false);
        }
        List<DnsRefresher> all = new ArrayList<>(kept);
        all.addAll(added);
        ClusterManager result = new ClusterManager(next, all, nextOriginalDst);
        result.deferredMemberships = deferred;
        try {
            for (DnsRefresher r : added) {
                dnsExecutor.execute(r::refresh);
                r.startAfterFirst(dnsExecutor, refreshRate);
            }
            result.scheduleCleanup(dnsExecutor);
        } catch (RejectedExecutionException e) {
            // The server is stopping: nothing will be served from these clusters.
        }
        return result;
    }

    /**
     * Publishes the new memberships of clusters that replaced a previous version and share its
     * balancer: call it once the listeners that use the new versions are published. Until then
     * both versions serve the previous hosts. Idempotent.
     */
    public void publishMemberships() {
        List<Runnable> d = deferredMemberships;
        deferredMemberships = List.of();
        d.forEach(Runnable::run);
    }

    private static ClusterRuntime build(ClusterSpec spec, ClusterRuntime old, Stats stats,
                                        LoadBalancerFactory lbFactory) {
        LbPolicy policy = spec.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST
                ? LbPolicy.RANDOM : MembershipAdapter.policy(spec.lbPolicy());
        if (old != null && old.canSucceed(spec)) {
            return new ClusterRuntime(spec, old);
        }
        // Bound stats are shared by name: a cluster that changes policy keeps its counters.
        return new ClusterRuntime(spec, policy, ClusterStats.bind(stats, spec.name()), lbFactory, EMPTY);
    }

    private void scheduleCleanup(ScheduledExecutorService dnsExecutor) {
        if (!originalDst.isEmpty()) {
            long ms = ORIGINAL_DST_CLEANUP.toMillis();
            cleanup = dnsExecutor.scheduleWithFixedDelay(() -> originalDst.forEach(ClusterRuntime::cleanupOriginalDstHosts),
                    ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits until every task queued on the single-threaded {@code executor} so far has run. */
    private static void awaitIdle(ScheduledExecutorService executor) {
        try {
            executor.submit(() -> { }).get();
        } catch (RejectedExecutionException | ExecutionException e) {
            // shut down: nothing runs any more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
