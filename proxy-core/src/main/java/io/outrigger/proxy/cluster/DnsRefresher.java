package io.outrigger.proxy.cluster;

import io.outrigger.lb.Membership;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a STRICT_DNS or LOGICAL_DNS cluster's hosts in step with DNS: resolves every endpoint name
 * on the DNS thread (never on an event loop; resolution blocks), every {@code refreshRate} (Envoy's
 * default {@code dns_refresh_rate} is 5 s), and publishes a new membership only when it changed.
 *
 * <p>STRICT_DNS: every address becomes a host. LOGICAL_DNS: only the first address of each name,
 * as Envoy uses the first address the resolver returns. A failed lookup keeps the last good hosts
 * (Envoy keeps them too) and counts {@code update_failure}.
 */
final class DnsRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(DnsRefresher.class);

    private final ClusterRuntime cluster;
    private final MembershipAdapter.Resolver resolver;
    private Map<String, List<InetAddress>> last;
    private ScheduledFuture<?> task;

    DnsRefresher(ClusterRuntime cluster, MembershipAdapter.Resolver resolver) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Schedules refreshes every {@code refreshRate}, the first one {@code refreshRate} from now. */
    void startAfterFirst(ScheduledExecutorService executor, Duration refreshRate) {
        long ms = refreshRate.toMillis();
        task = executor.scheduleWithFixedDelay(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
    }

    ClusterRuntime cluster() {
        return cluster;
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** One resolution round; runs on the DNS thread. */
    synchronized void refresh() {
        Set<String> names = new LinkedHashSet<>();
        for (LocalityEndpointsSpec le : cluster.spec().loadAssignment().localities()) {
            for (EndpointSpec e : le.endpoints()) {
                names.add(e.address().address());
            }
        }
        boolean logical = cluster.spec().type() == ClusterSpec.DiscoveryType.LOGICAL_DNS;
        Map<String, List<InetAddress>> resolved = new HashMap<>();
        try {
            for (String name : names) {
                List<InetAddress> all = resolver.resolve(name);
                resolved.put(name, logical && !all.isEmpty() ? List.of(all.getFirst()) : List.copyOf(all));
            }
        } catch (UnknownHostException | RuntimeException e) {
            cluster.stats().updateFailure().increment();
            LOG.warn("cluster {}: DNS resolution failed, keeping the last hosts: {}", cluster.name(), e.toString());
            return;
        }
        if (resolved.equals(last)) {
            return;
        }
        last = resolved;
        Membership membership = MembershipAdapter.resolved(cluster.spec().loadAssignment(), resolved);
        cluster.update(membership);
        LOG.debug("cluster {}: resolved {}", cluster.name(), resolved);
    }
}
