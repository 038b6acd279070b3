package io.outrigger.proxy.testing;

import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.NodeInfo;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the snapshot records xds-client would produce, for in-process server tests. */
public final class Snapshots {
    private Snapshots() {
    }

    public static final NodeInfo NODE = new NodeInfo("test-node", "test-cluster", LocalitySpec.EMPTY, Map.of());

    public static ConfigSnapshot snapshot(int adminPort, List<ListenerSpec> listeners, List<ClusterSpec> clusters) {
        return new ConfigSnapshot(NODE, new AdminSpec(new SocketAddressSpec("127.0.0.1", adminPort)), listeners,
                clusters, "static", "test.yaml");
    }

    /** A listener on 127.0.0.1:port whose one filter chain is a tcp_proxy. */
    public static ListenerSpec tcpListener(String name, int port, TcpProxySpec tcp) {
        return new ListenerSpec(name, new SocketAddressSpec("127.0.0.1", port), true, false, List.of(),
                List.of(new FilterChainSpec("", FilterChainMatchSpec.ANY, List.of(tcp))), null);
    }

    /** A listener on 127.0.0.1:port whose one filter chain is an http_connection_manager. */
    public static ListenerSpec httpListener(String name, int port, io.outrigger.xds.snapshot.HttpConnectionManagerSpec hcm) {
        return new ListenerSpec(name, new SocketAddressSpec("127.0.0.1", port), true, false, List.of(),
                List.of(new FilterChainSpec("", FilterChainMatchSpec.ANY, List.of(hcm))), null);
    }

    public static TcpProxySpec tcpProxy(String statPrefix, String cluster) {
        return new TcpProxySpec("envoy.filters.network.tcp_proxy", statPrefix,
                List.of(new WeightedClusterSpec(cluster, 1)), Duration.ofHours(1));
    }

    public static TcpProxySpec tcpProxy(String statPrefix, List<WeightedClusterSpec> clusters, Duration idleTimeout) {
        return new TcpProxySpec("envoy.filters.network.tcp_proxy", statPrefix, clusters, idleTimeout);
    }

    /** A STATIC ROUND_ROBIN cluster with one priority-0 locality holding these 127.0.0.1 ports. */
    public static ClusterSpec staticCluster(String name, Duration connectTimeout, int... ports) {
        List<EndpointSpec> endpoints = new ArrayList<>();
        for (int p : ports) {
            endpoints.add(endpoint("127.0.0.1", p));
        }
        return new ClusterSpec(name, ClusterSpec.DiscoveryType.STATIC, connectTimeout,
                ClusterSpec.LbPolicyName.ROUND_ROBIN, new LoadAssignmentSpec(name,
                List.of(new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0, endpoints)), 140));
    }

    public static ClusterSpec cluster(String name, ClusterSpec.DiscoveryType type, Duration connectTimeout,
                                      List<LocalityEndpointsSpec> localities) {
        return new ClusterSpec(name, type, connectTimeout, ClusterSpec.LbPolicyName.ROUND_ROBIN,
                new LoadAssignmentSpec(name, localities, 140));
    }

    public static EndpointSpec endpoint(String address, int port) {
        return new EndpointSpec(new SocketAddressSpec(address, port), 1, EndpointSpec.Health.UNKNOWN, Map.of());
    }
}
