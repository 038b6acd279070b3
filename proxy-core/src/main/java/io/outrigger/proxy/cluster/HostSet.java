package io.outrigger.proxy.cluster;

import io.outrigger.lb.Host;
import io.outrigger.lb.LoadBalancer;
import io.outrigger.lb.Membership;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable version of a cluster's hosts: the membership, the picker built for it, and the
 * hosts by identity. Published as a whole by reference swap, so a connection sees one consistent
 * version from pick to connect.
 *
 * @param hosts every host in priority, locality, endpoint order (what {@code /clusters} lists)
 */
public record HostSet(Membership membership, LoadBalancer loadBalancer, List<UpstreamHost> hosts,
                      Map<Host, UpstreamHost> byHost) {
    public HostSet {
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        hosts = List.copyOf(hosts);
        byHost = Map.copyOf(byHost);
    }

    /** The upstream host for a host the picker returned, or {@code null} if it is not in this set. */
    public UpstreamHost upstream(Host host) {
        return host == null ? null : byHost.get(host);
    }
}
