package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.outrigger.xds.ads.AdsConfig;
import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.NodeInfo;
import io.outrigger.xds.snapshot.SecretSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bootstrap.v3.Bootstrap} to a {@link ConfigSnapshot}: node, admin and static resources,
 * each resource through its own decoder, then the checks that span resources.
 */
final class BootstrapDecoder {
    /** The version of resources that come from the bootstrap rather than xDS. */
    static final String STATIC_VERSION = "static";

    private static final Set<String> FIELDS = Set.of("node", "admin", "static_resources", "dynamic_resources");
    private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    private static final Set<String> STATIC_FIELDS = Set.of("listeners", "clusters", "secrets");
    private static final Set<String> NODE_FIELDS = Set.of("id", "cluster", "locality", "metadata");
    private static final Map<String, String> NODE_IGNORED = Map.of(
            "user_agent_name", "Envoy fills in the user agent itself",
            "user_agent_version", "Envoy fills in the user agent itself",
            "user_agent_build_version", "Envoy fills in the user agent itself");
    private static final Set<String> ADMIN_FIELDS = Set.of("address");
    private static final Map<String, String> ADMIN_IGNORED = Map.of(
            "access_log", "the admin server does not write access logs",
            "access_log_path", "the admin server does not write access logs");
    private static final String TCP_PROXY = MessageTypes.typeUrl(TcpProxy.getDescriptor());

    private BootstrapDecoder() {
    }

    /** The snapshot, or {@code null} when any problem was added to {@code problems}. */
    static ConfigSnapshot decode(Bootstrap bootstrap, Problems problems) {
        int before = problems.errorCount();
        problems.enter("Bootstrap", "");
        Supported.check(bootstrap, "", problems, FIELDS);
        NodeInfo node = node(bootstrap.getNode(), problems);
        AdminSpec admin = admin(bootstrap, problems);
        Supported.check(bootstrap.getStaticResources(), "static_resources", problems, STATIC_FIELDS);

        List<ListenerSpec> listeners = new ArrayList<>();
        List<Listener> listenerProtos = bootstrap.getStaticResources().getListenersList();
        for (int i = 0; i < listenerProtos.size(); i++) {
            ListenerSpec l = ListenerDecoder.decode(listenerProtos.get(i), "static_resources.listeners[" + i + "]", problems);
            if (l != null) {
                listeners.add(l);
            }
        }
        List<ClusterSpec> clusters = new ArrayList<>();
        List<Cluster> clusterProtos = bootstrap.getStaticResources().getClustersList();
        String adsCluster = adsClusterName(bootstrap);
        for (int i = 0; i < clusterProtos.size(); i++) {
            String path = "static_resources.clusters[" + i + "]";
            Cluster proto = clusterProtos.get(i);
            if (proto.getName().equals(adsCluster)) {
                proto = xdsServerCluster(proto, path, problems);
            }
            ClusterSpec c = ClusterDecoder.decode(proto, path, problems);
            if (c != null) {
                clusters.add(c);
            }
        }
        List<SecretSpec> secrets = new ArrayList<>();
        var secretProtos = bootstrap.getStaticResources().getSecretsList();
        for (int i = 0; i < secretProtos.size(); i++) {
            SecretSpec s = TlsDecoder.secret(secretProtos.get(i), "static_resources.secrets[" + i + "]", problems);
            if (s != null) {
                secrets.add(s);
            }
        }
        crossCheck(listenerProtos, clusterProtos, problems);
        SecretReferences.check(secretProtos, listeners, clusters, problems);
        dynamicResources(bootstrap, problems);
        problems.enter("Bootstrap", "");
        if (problems.errorCount() > before) {
            return null;
        }
        return new ConfigSnapshot(node, admin, listeners, clusters, STATIC_VERSION, problems.source(), secrets);
    }

    /** {@code dynamic_resources}: checked by the ADS client's reader, whose problems are reported here with the rest. */
    private static void dynamicResources(Bootstrap bootstrap, Problems problems) {
        try {
            AdsConfig.fromBootstrap(bootstrap, problems.source());
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                problems.enter(p.resourceType(), p.resourceName());
                problems.error(p.field(), p.message());
            }
        }
    }

    /** The static cluster that {@code ads_config} talks to, or {@code null}. */
    private static String adsClusterName(Bootstrap bootstrap) {
        var ads = bootstrap.getDynamicResources().getAdsConfig();
        return ads.getGrpcServicesCount() > 0 && ads.getGrpcServices(0).hasEnvoyGrpc()
                ? ads.getGrpcServices(0).getEnvoyGrpc().getClusterName() : null;
    }

    /**
     * The xDS server's cluster carries Envoy's way of saying "speak HTTP/2" (gRPC needs it); the ADS
     * client's gRPC channel always does, so those options are dropped here with a warning rather than
     * rejected as unsupported cluster fields.
     */
    private static Cluster xdsServerCluster(Cluster cluster, String path, Problems problems) {
        problems.enter("Cluster", cluster.getName());
        Cluster.Builder b = cluster.toBuilder();
        if (cluster.hasHttp2ProtocolOptions()) {
            b.clearHttp2ProtocolOptions();
            problems.warn(Problems.path(path, "http2_protocol_options"),
                    "ignored: the ADS client's gRPC channel always speaks HTTP/2");
        }
        if (cluster.containsTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS)) {
            b.removeTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS);
            problems.warn(Problems.path(path, "typed_extension_protocol_options") + "." + HTTP_PROTOCOL_OPTIONS,
                    "ignored: the ADS client's gRPC channel always speaks HTTP/2");
        }
        return b.build();
    }

    private static NodeInfo node(Node node, Problems problems) {
        Supported.check(node, "node", problems, NODE_FIELDS, NODE_IGNORED);
        LocalitySpec locality = LocalitySpec.EMPTY;
        if (node.hasLocality()) {
            Supported.check(node.getLocality(), "node.locality", problems, Set.of("region", "zone", "sub_zone"));
            locality = new LocalitySpec(node.getLocality().getRegion(), node.getLocality().getZone(), node.getLocality().getSubZone());
        }
        return new NodeInfo(node.getId(), node.getCluster(), locality, Supported.flatten(node.getMetadata(), ""));
    }

    private static AdminSpec admin(Bootstrap bootstrap, Problems problems) {
        if (!bootstrap.hasAdmin()) {
            return AdminSpec.DEFAULT;
        }
        Admin admin = bootstrap.getAdmin();
        Supported.check(admin, "admin", problems, ADMIN_FIELDS, ADMIN_IGNORED);
        if (!admin.hasAddress()) {
            return AdminSpec.DEFAULT;
        }
        SocketAddressSpec address = Addresses.socket(admin.getAddress(), "admin.address", problems,
                Addresses.Form.IP_LITERAL, 0, "the admin listener");
        return address == null ? AdminSpec.DEFAULT : new AdminSpec(address);
    }

    /** Checks that span resources: unique names, one listener per bound address, tcp_proxy targets that exist. */
    private static void crossCheck(List<Listener> listenerProtos, List<Cluster> clusterProtos, Problems problems) {
        Map<String, Integer> clusterIndex = new HashMap<>();
        for (int i = 0; i < clusterProtos.size(); i++) {
            String name = clusterProtos.get(i).getName();
            problems.enter("Cluster", name);
            Integer earlier = clusterIndex.putIfAbsent(name, i);
            if (earlier != null && !name.isEmpty()) {
                problems.error("static_resources.clusters[" + i + "].name", "duplicate cluster name \"" + name
                        + "\" (also static_resources.clusters[" + earlier + "]; expected: unique names)");
            }
        }
        Map<String, Integer> listenerIndex = new HashMap<>();
        Map<SocketAddressSpec, Integer> bound = new HashMap<>();
        for (int i = 0; i < listenerProtos.size(); i++) {
            Listener l = listenerProtos.get(i);
            String path = "static_resources.listeners[" + i + "]";
            problems.enter("Listener", l.getName());
            if (!l.getName().isEmpty()) {
                Integer earlier = listenerIndex.putIfAbsent(l.getName(), i);
                if (earlier != null) {
                    problems.error(path + ".name", "duplicate listener name \"" + l.getName()
                            + "\" (also static_resources.listeners[" + earlier + "]; expected: unique names)");
                }
            }
            boolean bindToPort = !l.hasBindToPort() || l.getBindToPort().getValue();
            if (bindToPort && l.getAddress().hasSocketAddress()) {
                var sa = l.getAddress().getSocketAddress();
                if (sa.getPortValue() != 0) {
                    SocketAddressSpec at = safeAddress(sa.getAddress(), sa.getPortValue());
                    Integer earlier = at == null ? null : bound.putIfAbsent(at, i);
                    if (earlier != null) {
                        problems.error(path + ".address", "listener \"" + displayName(l, at) + "\" binds " + at
                                + ", as does listener \"" + displayName(listenerProtos.get(earlier), at)
                                + "\" (static_resources.listeners[" + earlier + "]); expected: one listener per address and port"
                                + " (set bind_to_port: false on listeners that only receive connections handed over by use_original_dst)");
                    }
                }
            }
            for (int c = 0; c < l.getFilterChainsCount(); c++) {
                checkTcpProxyTargets(l.getFilterChains(c), path + ".filter_chains[" + c + "]", clusterIndex, problems);
            }
            if (l.hasDefaultFilterChain()) {
                checkTcpProxyTargets(l.getDefaultFilterChain(), path + ".default_filter_chain", clusterIndex, problems);
            }
        }
    }

    private static String displayName(Listener l, SocketAddressSpec at) {
        return l.getName().isEmpty() ? at.address() + "_" + at.port() : l.getName();
    }

    private static SocketAddressSpec safeAddress(String host, int port) {
        return port >= 0 && port <= 65535 ? new SocketAddressSpec(host, port) : null;
    }

    private static void checkTcpProxyTargets(FilterChain chain, String path, Map<String, Integer> clusters, Problems problems) {
        for (int f = 0; f < chain.getFiltersCount(); f++) {
            Filter filter = chain.getFilters(f);
            if (filter.getTypedConfig().getTypeUrl().equals(HttpConnectionManagerDecoder.TYPE_URL)) {
                checkRouteTargets(filter, path + ".filters[" + f + "].typed_config", clusters, problems);
                continue;
            }
            if (!filter.getTypedConfig().getTypeUrl().equals(TCP_PROXY)) {
                continue;
            }
            String fp = path + ".filters[" + f + "].typed_config";
            TcpProxy tcp;
            try {
                tcp = TcpProxy.parseFrom(filter.getTypedConfig().getValue());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                continue; // already reported by the listener decoder
            }
            if (tcp.hasCluster()) {
                checkExists(tcp.getCluster(), fp + ".cluster", clusters, problems);
            }
            var weighted = tcp.getWeightedClusters().getClustersList();
            for (int i = 0; i < weighted.size(); i++) {
                checkExists(weighted.get(i).getName(), fp + ".weighted_clusters.clusters[" + i + "].name", clusters, problems);
            }
        }
    }

    /** Static route configs name only clusters that exist (Envoy's validate_clusters default for static routes). */
    private static void checkRouteTargets(Filter filter, String path, Map<String, Integer> clusters, Problems problems) {
        io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager hcm;
        try {
            hcm = io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    .parseFrom(filter.getTypedConfig().getValue());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return; // already reported by the listener decoder
        }
        var rc = hcm.getRouteConfig();
        for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
            var vh = rc.getVirtualHosts(v);
            for (int r = 0; r < vh.getRoutesCount(); r++) {
                var route = vh.getRoutes(r);
                if (!route.hasRoute()) {
                    continue;
                }
                String rp = path + ".route_config.virtual_hosts[" + v + "].routes[" + r + "].route";
                if (route.getRoute().hasCluster()) {
                    checkExists(route.getRoute().getCluster(), rp + ".cluster", clusters, problems);
                }
                var weighted = route.getRoute().getWeightedClusters().getClustersList();
                for (int i = 0; i < weighted.size(); i++) {
                    checkExists(weighted.get(i).getName(), rp + ".weighted_clusters.clusters[" + i + "].name", clusters, problems);
                }
            }
        }
    }

    private static void checkExists(String cluster, String path, Map<String, Integer> clusters, Problems problems) {
        if (!cluster.isEmpty() && !clusters.containsKey(cluster)) {
            problems.error(path, "cluster \"" + cluster + "\" does not exist (expected the name of a cluster in static_resources.clusters"
                    + (clusters.isEmpty() ? "; there are none" : ": " + String.join(", ", clusters.keySet().stream().sorted().limit(10).toList())) + ")");
        }
    }
}
