package io.outrigger.xds.ads;

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
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;

/** Envoy v3 resources as a control plane writes them. */
final class Protos {
    private Protos() {
    }

    static ConfigSource ads() {
        return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
    }

    static Cluster edsCluster(String name) {
        return edsCluster(name, 1, ads());
    }

    static Cluster edsCluster(String name, long connectTimeoutSeconds, ConfigSource eds) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setConnectTimeout(Duration.newBuilder().setSeconds(connectTimeoutSeconds))
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(eds))
                .build();
    }

    static Cluster edsClusterWithFetchTimeout(String name, long millis) {
        return edsCluster(name, 1, ads().toBuilder()
                .setInitialFetchTimeout(Duration.newBuilder().setNanos((int) (millis * 1_000_000))).build());
    }

    static Cluster staticCluster(String name, String ip, int port) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(Duration.newBuilder().setSeconds(1))
                .setLoadAssignment(assignment(name, ip + ":" + port))
                .build();
    }

    /** Endpoints as "ip:port". */
    static ClusterLoadAssignment assignment(String cluster, String... endpoints) {
        LocalityLbEndpoints.Builder lle = LocalityLbEndpoints.newBuilder();
        for (String e : endpoints) {
            int colon = e.lastIndexOf(':');
            lle.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
                    address(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1))))));
        }
        return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(lle).build();
    }

    static Address address(String ip, int port) {
        return Address.newBuilder().setSocketAddress(
                SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
    }

    static Listener listener(String name, int port) {
        return Listener.newBuilder().setName(name).setAddress(address("0.0.0.0", port)).build();
    }

    /** A listener whose HTTP connection manager takes its routes from RDS over ADS. */
    static Listener httpListener(String name, int port, String routeConfigName) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setRouteConfigName(routeConfigName).setConfigSource(ads()))
                .build();
        return listener(name, port).toBuilder()
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build();
    }

    /** A listener whose single filter chain proxies TCP to a cluster. */
    static Listener tcpProxyListener(String name, int port, String cluster) {
        return listener(name, port).toBuilder()
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.tcp_proxy")
                        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                                .newBuilder().setStatPrefix(name).setCluster(cluster).build()))))
                .build();
    }

    static RouteConfiguration routes(String name) {
        return RouteConfiguration.newBuilder().setName(name).build();
    }

    static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
                             List<Listener> listeners) {
        return Snapshot.create(clusters, endpoints, listeners, List.of(), List.of(), version);
    }

    static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
                             List<Listener> listeners, List<RouteConfiguration> routes) {
        return Snapshot.create(clusters, endpoints, listeners, routes, List.of(), version);
    }
}
