package io.outrigger.proxy.cluster;

import io.netty.util.NetUtil;
import io.outrigger.lb.HealthStatus;
import io.outrigger.lb.Host;
import io.outrigger.lb.Locality;
import io.outrigger.proxy.stats.HostStats;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts of an ORIGINAL_DST cluster: one per original destination seen, created when a
 * connection first needs it (on its event loop; a concurrent map, no lock held across I/O) and
 * dropped by {@link #cleanup} once unused, as Envoy does every {@code cleanup_interval} (5 s).
 */
final class OriginalDstHosts {
    private final ConcurrentHashMap<InetSocketAddress, UpstreamHost> hosts = new ConcurrentHashMap<>();

    UpstreamHost host(InetSocketAddress destination) {
        UpstreamHost h = hosts.get(destination);
        return h != null ? h : hosts.computeIfAbsent(destination, d -> new UpstreamHost(
                new Host(NetUtil.toAddressString(d.getAddress()), d.getPort(), 1, HealthStatus.HEALTHY,
                        Locality.UNKNOWN, 0, Map.of()), d, HostStats.create()));
    }

    /** Forgets hosts with no open connection. Control thread. */
    void cleanup() {
        hosts.values().removeIf(h -> h.stats().cxActive().sum() == 0);
    }

    List<UpstreamHost> snapshot() {
        return List.copyOf(hosts.values());
    }
}
