package io.outrigger.proxy.http;

import io.netty.channel.socket.SocketChannel;
import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.http.upstream.ClusterHttp;
import io.outrigger.proxy.http.upstream.UpstreamPools;
import io.outrigger.proxy.stats.Stats;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What every HTTP connection manager of a server shares: per-cluster HTTP state and connection
 * pools, randomness and clocks (injected for tests), the access log writer, and the control thread
 * outlier detection runs on. Built on the control thread when config is applied.
 */
public final class HttpContext implements AutoCloseable {
    // Replaced whole by update() (control thread); event loops read one map per request.
    private volatile Map<String, UpstreamPools> pools = Map.of();
    private final Class<? extends SocketChannel> socketChannelClass;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final Clock clock;
    private final Stats stats;
    private final ScheduledExecutorService control;
    private final AccessLogWriter accessLogs = new AccessLogWriter();

    /**
     * @param random shared by every event loop, so thread-safe
     */
    public HttpContext(ClusterManager clusters, Stats stats, Class<? extends SocketChannel> socketChannelClass,
                       RandomGenerator random, LongSupplier nanoClock, Clock clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-http-control");
            t.setDaemon(true);
            return t;
        });
        this.socketChannelClass = Objects.requireNonNull(socketChannelClass, "socketChannelClass");
        update(clusters);
    }

    /**
     * Follows the clusters after an update (control thread): a cluster kept as it was, or whose
     * endpoints alone changed (its successor took over its balancer, see
     * {@link ClusterManager#update}), keeps its pools, circuit breakers and outlier detection; a
     * new or otherwise replaced cluster gets new ones, as Envoy gives a changed cluster new
     * connection pools. The pools of a replaced or removed cluster stay with the requests already
     * using them and take no new ones; their outlier detection timer is cancelled.
     */
    public synchronized void update(ClusterManager clusters) {
        Map<String, UpstreamPools> current = pools;
        Map<String, UpstreamPools> next = new HashMap<>();
        for (ClusterRuntime c : clusters.all()) {
            UpstreamPools kept = current.get(c.name());
            if (kept != null && keepsRuntime(kept.cluster().cluster(), c)) {
                kept.cluster().follow(c);
                next.put(c.name(), kept);
            } else {
                next.put(c.name(), new UpstreamPools(new ClusterHttp(c, stats, clock, random, control), socketChannelClass));
            }
        }
        for (Map.Entry<String, UpstreamPools> e : current.entrySet()) {
            if (next.get(e.getKey()) != e.getValue()) {
                e.getValue().cluster().close();
            }
        }
        pools = Map.copyOf(next);
    }

    /**
     * Whether {@code next} is {@code previous} or its successor with only other endpoints: same
     * balancer (so the hosts, their outlier state and the pools' hosts carry over) and a spec that
     * differs in its load assignment alone.
     */
    private static boolean keepsRuntime(ClusterRuntime previous, ClusterRuntime next) {
        if (previous == next) {
            return true;
        }
        return next.sharesBalancerWith(previous)
                && previous.spec().withLoadAssignment(next.spec().loadAssignment()).equals(next.spec());
    }

    /** The pools of the cluster with this name, or {@code null}. */
    public UpstreamPools pools(String cluster) {
        return pools.get(cluster);
    }

    RandomGenerator random() {
        return random;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    Clock clock() {
        return clock;
    }

    Stats stats() {
        return stats;
    }

    AccessLogWriter accessLogs() {
        return accessLogs;
    }

    @Override
    public synchronized void close() {
        for (UpstreamPools p : pools.values()) {
            p.cluster().close();
        }
        control.shutdownNow();
        accessLogs.close();
    }
}
