package io.outrigger.proxy.cluster;

import io.outrigger.lb.Host;
import io.outrigger.proxy.stats.HostStats;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A host the data path can connect to: the load balancer's {@link Host}, its resolved socket
 * address (built once at update time so connecting allocates no address), and its stats.
 */
public record UpstreamHost(Host host, InetSocketAddress socketAddress, HostStats stats) {
    public UpstreamHost {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(socketAddress, "socketAddress");
        Objects.requireNonNull(stats, "stats");
    }
}
