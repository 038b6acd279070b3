package io.outrigger.proxy.cluster;

import io.netty.util.NetUtil;
import io.outrigger.lb.HealthStatus;
import io.outrigger.lb.Host;
import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.Locality;
import io.outrigger.lb.LocalityHosts;
import io.outrigger.lb.Membership;
import io.outrigger.lb.PriorityLevel;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates xds-client's load assignment records into lb's {@link Membership}: pure functions, so
 * the mapping (priorities, locality weights, endpoint weights, health) is tested without sockets.
 */
public final class MembershipAdapter {
    private MembershipAdapter() {
    }

    /** Resolves a host name; the real one is {@link InetAddress#getAllByName}. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws java.net.UnknownHostException;
    }

    /** The membership of an assignment whose endpoint addresses are IP literals (STATIC, EDS). */
    public static Membership fromAssignment(LoadAssignmentSpec assignment) {
        return build(assignment, (la, e) -> List.of(e.address().address()));
    }

    /**
     * The membership of a STRICT_DNS assignment: every address each endpoint's name resolves to
     * becomes a host with that endpoint's weight, locality and priority.
     */
    public static Membership resolved(LoadAssignmentSpec assignment, Map<String, List<InetAddress>> resolutions) {
        return build(assignment, (la, e) -> {
            List<InetAddress> addresses = resolutions.getOrDefault(e.address().address(), List.of());
            List<String> literals = new ArrayList<>(addresses.size());
            for (InetAddress a : addresses) {
                // RFC 5952 text (fd00::1, not fd00:0:0:0:0:0:0:1), as Envoy prints addresses.
                literals.add(NetUtil.toAddressString(a));
            }
            return literals;
        });
    }

    /** Envoy's lb_policy as lb's enum; CLUSTER_PROVIDED (ORIGINAL_DST) has no picker here. */
    public static LbPolicy policy(ClusterSpec.LbPolicyName name) {
        return switch (name) {
            case ROUND_ROBIN -> LbPolicy.ROUND_ROBIN;
            case LEAST_REQUEST -> LbPolicy.LEAST_REQUEST;
            case RANDOM -> LbPolicy.RANDOM;
            case RING_HASH -> LbPolicy.RING_HASH;
            case MAGLEV -> LbPolicy.MAGLEV;
            case CLUSTER_PROVIDED -> throw new IllegalArgumentException(
                    "lbPolicy: CLUSTER_PROVIDED (expected: a policy with a picker; CLUSTER_PROVIDED goes with ORIGINAL_DST clusters, which have no picker)");
        };
    }

    static HealthStatus health(EndpointSpec.Health health) {
        return HealthStatus.valueOf(health.name());
    }

    static Locality locality(LocalitySpec l) {
        return l.region().isEmpty() && l.zone().isEmpty() && l.subZone().isEmpty()
                ? Locality.UNKNOWN : new Locality(l.region(), l.zone(), l.subZone());
    }

    private interface Addresses {
        List<String> of(LocalityEndpointsSpec locality, EndpointSpec endpoint);
    }

    private static Membership build(LoadAssignmentSpec assignment, Addresses addresses) {
        TreeMap<Integer, List<LocalityHosts>> byPriority = new TreeMap<>();
        for (LocalityEndpointsSpec le : assignment.localities()) {
            Locality locality = locality(le.locality());
            List<Host> hosts = new ArrayList<>();
            for (EndpointSpec e : le.endpoints()) {
                for (String literal : addresses.of(le, e)) {
                    hosts.add(new Host(literal, e.address().port(), Math.max(1, e.loadBalancingWeight()),
                            health(e.health()), locality, le.priority(), e.metadata()));
                }
            }
            byPriority.computeIfAbsent(le.priority(), p -> new ArrayList<>())
                    .add(new LocalityHosts(locality, le.loadBalancingWeight(), hosts));
        }
        List<PriorityLevel> levels = new ArrayList<>();
        int max = byPriority.isEmpty() ? -1 : byPriority.lastKey();
        for (int p = 0; p <= max; p++) {
            levels.add(new PriorityLevel(byPriority.getOrDefault(p, List.of())));
        }
        int factor = assignment.overprovisioningFactor() < 1
                ? Membership.DEFAULT_OVERPROVISIONING_FACTOR : assignment.overprovisioningFactor();
        return new Membership(levels, factor);
    }
}
