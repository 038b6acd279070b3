package io.outrigger.proxy.tcp;

import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.stats.TcpProxyStats;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A tcp_proxy filter as the data path runs it: its clusters with cumulative weights (a single
 * {@code cluster} is one entry of weight 1), its idle timeout and its stats. Immutable.
 */
public final class TcpProxyRoute {
    private final String statPrefix;
    private final TcpProxyStats stats;
    private final ClusterRuntime[] clusters;
    private final String[] clusterNames;
    private final long[] cumulativeWeights;
    private final long totalWeight;
    private final long idleTimeoutNanos;

    /**
     * @param clusters the weighted clusters in config order; an entry's cluster is {@code null}
     *                 when the snapshot has no cluster of that name (connections to it count
     *                 {@code downstream_cx_no_route} and are closed)
     */
    public TcpProxyRoute(String statPrefix, TcpProxyStats stats, List<Weighted> clusters, Duration idleTimeout) {
        this.statPrefix = Objects.requireNonNull(statPrefix, "statPrefix");
        this.stats = Objects.requireNonNull(stats, "stats");
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("clusters: empty (expected: at least one)");
        }
        this.clusters = new ClusterRuntime[clusters.size()];
        this.clusterNames = new String[clusters.size()];
        this.cumulativeWeights = new long[clusters.size()];
        long sum = 0;
        for (int i = 0; i < clusters.size(); i++) {
            Weighted w = clusters.get(i);
            sum += w.weight();
            this.clusters[i] = w.cluster();
            this.clusterNames[i] = w.name();
            this.cumulativeWeights[i] = sum;
        }
        this.totalWeight = sum;
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.idleTimeoutNanos = idleTimeout.isNegative() ? 0 : idleTimeout.toNanos();
    }

    /** One weighted cluster: the name as configured, the runtime or {@code null}, the weight. */
    public record Weighted(String name, ClusterRuntime cluster, int weight) {
        public Weighted {
            Objects.requireNonNull(name, "name");
            if (weight < 1) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
            }
        }
    }

    /**
     * The cluster for one connection, chosen as Envoy's weighted_clusters does: a uniform value in
     * {@code [0, total weight)} selects the first entry whose cumulative weight exceeds it.
     *
     * @param random a uniformly distributed value
     * @return the index of the chosen entry
     */
    public int pick(long random) {
        long r = Long.remainderUnsigned(random, totalWeight);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (r < cumulativeWeights[i]) {
                return i;
            }
        }
        throw new AssertionError("unreachable: r < totalWeight");
    }

    /** The cluster of entry {@code index}, or {@code null} if the snapshot has none of that name. */
    public ClusterRuntime cluster(int index) {
        return clusters[index];
    }

    public String clusterName(int index) {
        return clusterNames[index];
    }

    public String statPrefix() {
        return statPrefix;
    }

    public TcpProxyStats stats() {
        return stats;
    }

    /** 0 when disabled. */
    public long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }
}
