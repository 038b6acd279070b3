package io.outrigger.xds.config;

import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code envoy.filters.network.tcp_proxy}. */
final class TcpProxyDecoder {
    /** Envoy's default {@code idle_timeout}: 1 hour; an explicit 0s disables it. */
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    private static final Set<String> FIELDS = Set.of("stat_prefix", "cluster", "weighted_clusters", "idle_timeout");
    private static final Map<String, String> IGNORED = Map.of(
            "access_log", "access logging is not implemented",
            "access_log_options", "access logging is not implemented");

    private TcpProxyDecoder() {
    }

    static TcpProxySpec decode(String name, TcpProxy tcp, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(tcp, path, problems, FIELDS, IGNORED);
        if (tcp.getStatPrefix().isEmpty()) {
            problems.error(Problems.path(path, "stat_prefix"), "missing (expected: a non-empty stat_prefix, as Envoy requires)");
        }
        List<WeightedClusterSpec> clusters = new ArrayList<>();
        switch (tcp.getClusterSpecifierCase()) {
            case CLUSTER -> {
                if (tcp.getCluster().isEmpty()) {
                    problems.error(Problems.path(path, "cluster"), "empty (expected: the name of a cluster)");
                } else {
                    clusters.add(new WeightedClusterSpec(tcp.getCluster(), 1));
                }
            }
            case WEIGHTED_CLUSTERS -> {
                String wp = Problems.path(path, "weighted_clusters");
                Supported.check(tcp.getWeightedClusters(), wp, problems, Set.of("clusters"));
                var list = tcp.getWeightedClusters().getClustersList();
                if (list.isEmpty()) {
                    problems.error(Problems.path(wp, "clusters"), "empty (expected at least one cluster)");
                }
                for (int i = 0; i < list.size(); i++) {
                    String cp = Problems.path(wp, "clusters[" + i + "]");
                    var c = list.get(i);
                    Supported.check(c, cp, problems, Set.of("name", "weight"));
                    long weight = Integer.toUnsignedLong(c.getWeight());
                    if (c.getName().isEmpty()) {
                        problems.error(Problems.path(cp, "name"), "missing (expected: the name of a cluster)");
                    } else if (weight < 1 || weight > Integer.MAX_VALUE) {
                        problems.error(Problems.path(cp, "weight"), weight + " (expected: 1-" + Integer.MAX_VALUE + ")");
                    } else {
                        clusters.add(new WeightedClusterSpec(c.getName(), (int) weight));
                    }
                }
            }
            case CLUSTERSPECIFIER_NOT_SET -> problems.error(Problems.path(path, "cluster"),
                    "missing (expected: cluster, or weighted_clusters)");
        }
        Duration idle = DEFAULT_IDLE_TIMEOUT;
        if (tcp.hasIdleTimeout()) {
            idle = Supported.duration(tcp.getIdleTimeout(), Problems.path(path, "idle_timeout"), problems, true);
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new TcpProxySpec(name, tcp.getStatPrefix(), clusters, idle);
    }
}
