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

/**
 * The clusters of one configuration, built on the control thread: STATIC and EDS clusters from
 * their load assignment, DNS clusters kept fresh by a {@link DnsRefresher} on the DNS thread,
 * ORIGINAL_DST clusters with no hosts (each connection brings its own destination).
 */
public final class ClusterManager implements AutoCloseable {
    /** Envoy's default {@code dns_refresh_rate}. */
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(5);

    private final Map<String, ClusterRuntime> clusters;
    private final List<DnsRefresher> refreshers;

    private ClusterManager(Map<String, ClusterRuntime> clusters, List<DnsRefresher> refreshers) {
        this.clusters = clusters;
        this.refreshers = refreshers;
    }

    /** The JDK resolver, used off the event loops only. */
    public static MembershipAdapter.Resolver systemResolver() {
        return host -> Arrays.asList(InetAddress.getAllByName(host));
    }

    /**
     * Builds every cluster and binds its stats. DNS clusters start empty: call
     * {@link #startDns} and wait for it before reporting ready, as Envoy warms them first.
     *
     * @throws IllegalArgumentException for a cluster kind proxy-core cannot serve (message names it)
     */
    public static ClusterManager build(List<ClusterSpec> specs, Stats stats, LoadBalancerFactory lbFactory,
                                       MembershipAdapter.Resolver resolver) {
        Objects.requireNonNull(resolver, "resolver");
        Map<String, ClusterRuntime> clusters = new LinkedHashMap<>();
        List<DnsRefresher> refreshers = new ArrayList<>();
        for (ClusterSpec spec : specs) {
            // CLUSTER_PROVIDED has no picker: the (always empty) host set gets a round robin one.
            LbPolicy policy = spec.type() == ClusterSpec.DiscoveryType.ORIGINAL_DST
                    ? LbPolicy.ROUND_ROBIN : MembershipAdapter.policy(spec.lbPolicy());
            ClusterRuntime runtime = new ClusterRuntime(spec, policy, ClusterStats.bind(stats, spec.name()), lbFactory);
            switch (spec.type()) {
                case STATIC, EDS -> runtime.update(MembershipAdapter.fromAssignment(spec.loadAssignment()));
                case STRICT_DNS, LOGICAL_DNS -> refreshers.add(new DnsRefresher(runtime, resolver));
                case ORIGINAL_DST -> {
                    // Hosts are the connections' original destinations, found per connection.
                }
            }
            clusters.put(spec.name(), runtime);
        }
        return new ClusterManager(clusters, refreshers);
    }

    /**
     * Resolves every DNS cluster once, on the caller's thread (the control thread during startup),
     * then refreshes them every {@code refreshRate} on {@code dnsExecutor}.
     */
    public void startDns(ScheduledExecutorService dnsExecutor, Duration refreshRate) {
        for (DnsRefresher r : refreshers) {
            r.refresh();
        }
        for (DnsRefresher r : refreshers) {
            r.startAfterFirst(dnsExecutor, refreshRate);
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
    }
}
