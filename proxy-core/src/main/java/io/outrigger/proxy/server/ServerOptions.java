package io.outrigger.proxy.server;

import io.netty.buffer.ByteBufAllocator;
import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.cluster.LoadBalancerFactory;
import io.outrigger.proxy.cluster.MembershipAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * How a {@link ProxyServer} runs. Time, randomness, DNS and the load balancer factory are
 * injected so tests control them; {@link #defaults} gives the production choices.
 *
 * @param concurrency worker event loops ({@code --concurrency})
 * @param drainTime how long open connections may finish after a drain starts ({@code --drain-time-s})
 * @param random used from every event loop; must be thread-safe
 * @param commandLine what {@code /server_info} shows as {@code command_line_options}
 */
public record ServerOptions(int concurrency, Duration drainTime, LoadBalancerFactory lbFactory,
                            RandomGenerator random, Clock clock, LongSupplier nanoClock,
                            ByteBufAllocator allocator, MembershipAdapter.Resolver resolver,
                            Duration dnsRefreshRate, Map<String, Object> commandLine) {
    /** Draws from the calling thread's {@link ThreadLocalRandom}: lock-free on every event loop. */
    public static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    public ServerOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
        }
        Objects.requireNonNull(drainTime, "drainTime");
        if (drainTime.isNegative()) {
            throw new IllegalArgumentException("drainTime: " + drainTime + " (expected: >= 0)");
        }
        Objects.requireNonNull(lbFactory, "lbFactory");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(allocator, "allocator");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(dnsRefreshRate, "dnsRefreshRate");
        commandLine = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(commandLine));
    }

    /** Production defaults: one loop per core, 5 s drain, the system clock, resolver and allocator. */
    public static ServerOptions defaults(LoadBalancerFactory lbFactory) {
        return new ServerOptions(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5), lbFactory,
                THREAD_LOCAL_RANDOM, Clock.systemUTC(), System::nanoTime, ByteBufAllocator.DEFAULT,
                ClusterManager.systemResolver(), ClusterManager.DEFAULT_DNS_REFRESH, Map.of());
    }

    public ServerOptions withConcurrency(int n) {
        return new ServerOptions(n, drainTime, lbFactory, random, clock, nanoClock, allocator, resolver,
                dnsRefreshRate, commandLine);
    }

    public ServerOptions withDrainTime(Duration d) {
        return new ServerOptions(concurrency, d, lbFactory, random, clock, nanoClock, allocator, resolver,
                dnsRefreshRate, commandLine);
    }

    public ServerOptions withRandom(RandomGenerator r) {
        return new ServerOptions(concurrency, drainTime, lbFactory, r, clock, nanoClock, allocator, resolver,
                dnsRefreshRate, commandLine);
    }

    public ServerOptions withAllocator(ByteBufAllocator a) {
        return new ServerOptions(concurrency, drainTime, lbFactory, random, clock, nanoClock, a, resolver,
                dnsRefreshRate, commandLine);
    }

    public ServerOptions withResolver(MembershipAdapter.Resolver r, Duration refreshRate) {
        return new ServerOptions(concurrency, drainTime, lbFactory, random, clock, nanoClock, allocator, r,
                refreshRate, commandLine);
    }

    public ServerOptions withCommandLine(Map<String, Object> c) {
        return new ServerOptions(concurrency, drainTime, lbFactory, random, clock, nanoClock, allocator, resolver,
                dnsRefreshRate, c);
    }
}
