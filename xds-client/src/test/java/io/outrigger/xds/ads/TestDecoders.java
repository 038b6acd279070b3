package io.outrigger.xds.ads;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Small decoders over the real Envoy protos, enough to exercise the protocol independently of the
 * production decoders: the rules they check (a positive connect_timeout, a port in range) are
 * Envoy's own.
 */
final class TestDecoders {
    private TestDecoders() {
    }

    static XdsDecoders decoders() {
        return new XdsDecoders(TestDecoders::listener, TestDecoders::cluster, TestDecoders::assignment);
    }

    /** With RDS: a route configuration decodes to its name. */
    static XdsDecoders withRoutes() {
        return new XdsDecoders(TestDecoders::listener, TestDecoders::cluster, TestDecoders::assignment,
                TestDecoders::route, null);
    }

    static String route(RouteConfiguration rc) {
        return rc.getName();
    }

    static ClusterSpec cluster(Cluster c) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        Duration timeout = c.hasConnectTimeout()
                ? Duration.ofSeconds(c.getConnectTimeout().getSeconds(), c.getConnectTimeout().getNanos())
                : Duration.ofSeconds(5);
        if (timeout.isNegative() || timeout.isZero()) {
            problems.add(new ConfigProblem("xds", "Cluster", c.getName(), "connect_timeout",
                    timeout + " (expected: > 0)"));
        }
        ClusterSpec.DiscoveryType type = switch (c.getType()) {
            case STATIC -> ClusterSpec.DiscoveryType.STATIC;
            case STRICT_DNS -> ClusterSpec.DiscoveryType.STRICT_DNS;
            case LOGICAL_DNS -> ClusterSpec.DiscoveryType.LOGICAL_DNS;
            case EDS -> ClusterSpec.DiscoveryType.EDS;
            case ORIGINAL_DST -> ClusterSpec.DiscoveryType.ORIGINAL_DST;
            default -> null;
        };
        if (type == null) {
            problems.add(new ConfigProblem("xds", "Cluster", c.getName(), "type", c.getType() + " (expected: a known type)"));
        }
        LoadAssignmentSpec la = c.hasLoadAssignment() ? assignment(c.getLoadAssignment())
                : LoadAssignmentSpec.empty(c.getName());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ClusterSpec(c.getName(), type, timeout, ClusterSpec.LbPolicyName.ROUND_ROBIN, la);
    }

    static ListenerSpec listener(Listener l) throws ConfigException {
        SocketAddress sa = l.getAddress().getSocketAddress();
        if (sa.getAddress().isEmpty()) {
            throw new ConfigException(List.of(new ConfigProblem("xds", "Listener", l.getName(),
                    "address.socket_address.address", "missing (expected: an IP address)")));
        }
        return new ListenerSpec(l.getName(), new SocketAddressSpec(sa.getAddress(), sa.getPortValue()), true, false,
                List.of(), List.of(), null);
    }

    static LoadAssignmentSpec assignment(ClusterLoadAssignment cla) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<LocalityEndpointsSpec> localities = new ArrayList<>();
        for (int i = 0; i < cla.getEndpointsCount(); i++) {
            LocalityLbEndpoints lle = cla.getEndpoints(i);
            List<EndpointSpec> eps = new ArrayList<>(lle.getLbEndpointsCount());
            for (int j = 0; j < lle.getLbEndpointsCount(); j++) {
                LbEndpoint e = lle.getLbEndpoints(j);
                SocketAddress sa = e.getEndpoint().getAddress().getSocketAddress();
                if (sa.getPortValue() < 1 || sa.getPortValue() > 65535) {
                    problems.add(new ConfigProblem("xds", "ClusterLoadAssignment", cla.getClusterName(),
                            "endpoints[" + i + "].lb_endpoints[" + j + "].endpoint.address.socket_address.port_value",
                            sa.getPortValue() + " (expected: 1-65535)"));
                    continue;
                }
                eps.add(new EndpointSpec(new SocketAddressSpec(sa.getAddress(), sa.getPortValue()),
                        e.hasLoadBalancingWeight() ? e.getLoadBalancingWeight().getValue() : 1,
                        EndpointSpec.Health.UNKNOWN, Map.of()));
            }
            localities.add(new LocalityEndpointsSpec(new LocalitySpec(lle.getLocality().getRegion(),
                    lle.getLocality().getZone(), lle.getLocality().getSubZone()),
                    lle.getLoadBalancingWeight().getValue(), lle.getPriority(), eps));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new LoadAssignmentSpec(cla.getClusterName(), localities,
                cla.getPolicy().hasOverprovisioningFactor() ? cla.getPolicy().getOverprovisioningFactor().getValue() : 140);
    }
}
