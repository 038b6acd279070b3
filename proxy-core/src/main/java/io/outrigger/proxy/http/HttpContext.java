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
    private final Map<String, UpstreamPools> pools = new HashMap<>();
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
        for (ClusterRuntime c : clusters.all()) {
            pools.put(c.name(), new UpstreamPools(new ClusterHttp(c, stats, clock, random, control), socketChannelClass));
        }
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
    public void close() {
        for (UpstreamPools p : pools.values()) {
            p.cluster().close();
        }
        control.shutdownNow();
        accessLogs.close();
    }
}
