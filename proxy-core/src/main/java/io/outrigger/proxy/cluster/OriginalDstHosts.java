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
    private final ConcurrentHashMap<InetSocketAddress, Tracked> hosts = new ConcurrentHashMap<>();

    /** A host and whether a connection used it since the last cleanup. */
    private static final class Tracked {
        final UpstreamHost host;
        volatile boolean used = true;

        Tracked(UpstreamHost host) {
            this.host = host;
        }
    }

    UpstreamHost host(InetSocketAddress destination) {
        Tracked t = hosts.get(destination);
        if (t == null) {
            t = hosts.computeIfAbsent(destination, d -> new Tracked(new UpstreamHost(
                    new Host(NetUtil.toAddressString(d.getAddress()), d.getPort(), 1, HealthStatus.HEALTHY,
                            Locality.UNKNOWN, 0, Map.of()), d, HostStats.create())));
        }
        t.used = true;
        return t.host;
    }

    /**
     * Envoy's cleanup: a host not used since the previous cleanup and with no open connection is
     * forgotten; the others are marked unused for the next round. Control thread.
     */
    void cleanup() {
        hosts.values().removeIf(t -> {
            if (t.used || t.host.stats().cxActive().sum() > 0) {
                t.used = false;
                return false;
            }
            return true;
        });
    }

    List<UpstreamHost> snapshot() {
        List<UpstreamHost> out = new java.util.ArrayList<>(hosts.size());
        for (Tracked t : hosts.values()) {
            out.add(t.host);
        }
        return out;
    }
}
