package io.outrigger.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Envoy v3 resources as a control plane writes them, and a bootstrap pointing at one. */
final class XdsResources {
    static final String NODE_ID = "sidecar-1";

    private XdsResources() {
    }

    static ConfigSource ads() {
        return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
    }

    static Cluster edsCluster(String name) {
        return edsCluster(name, 1);
    }

    static Cluster edsCluster(String name, long connectTimeoutSeconds) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setConnectTimeout(Duration.newBuilder().setSeconds(connectTimeoutSeconds))
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
                .build();
    }

    /** 127.0.0.1 endpoints on these ports. */
    static ClusterLoadAssignment assignment(String cluster, int... ports) {
        LocalityLbEndpoints.Builder lle = LocalityLbEndpoints.newBuilder();
        for (int port : ports) {
            lle.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
                    address("127.0.0.1", port))));
        }
        return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(lle).build();
    }

    static Address address(String ip, int port) {
        return Address.newBuilder().setSocketAddress(
                SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
    }

    /** A listener on 127.0.0.1:port (0: any free port) whose one filter chain proxies TCP to a cluster. */
    static Listener tcpListener(String name, int port, String cluster) {
        TcpProxy tcp = TcpProxy.newBuilder().setStatPrefix(name).setCluster(cluster).build();
        return Listener.newBuilder().setName(name).setAddress(address("127.0.0.1", port))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.tcp_proxy").setTypedConfig(Any.pack(tcp))))
                .build();
    }

    static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
                             List<Listener> listeners) {
        return Snapshot.create(clusters, endpoints, listeners, List.of(), List.of(), version);
    }

    /** A bootstrap with an ADS control plane on 127.0.0.1:port, the admin on an ephemeral port. */
    static Path bootstrap(Path dir, int controlPlanePort, boolean delta) throws java.io.IOException {
        Path file = dir.resolve("bootstrap-" + (delta ? "delta" : "sotw") + ".yaml");
        Files.writeString(file, """
                node: {id: %s, cluster: reviews}
                admin:
                  address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                dynamic_resources:
                  ads_config:
                    api_type: %s
                    transport_api_version: V3
                    grpc_services: [{envoy_grpc: {cluster_name: xds_cluster}}]
                  cds_config: {ads: {}, resource_api_version: V3}
                  lds_config: {ads: {}, resource_api_version: V3}
                static_resources:
                  clusters:
                  - name: xds_cluster
                    type: STATIC
                    connect_timeout: 1s
                    load_assignment:
                      cluster_name: xds_cluster
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
                """.formatted(NODE_ID, delta ? "DELTA_GRPC" : "GRPC", controlPlanePort));
        return file;
    }
}
