package io.outrigger.lb;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Entry point of the module: builds a cluster's load balancer from its membership and config.
 */
public final class LoadBalancers {
    private LoadBalancers() {
    }

    /**
     * A load balancer over {@code membership}. The returned object is a {@link ClusterLoadBalancer}:
     * keep it and call {@link ClusterLoadBalancer#update} on later EDS updates so per-host state
     * (active requests, ejections) follows the hosts that remain.
     *
     * @param random shared by event loops: use {@link #eventLoopRandom()} in production, a seeded
     *               generator in tests
     * @param clock used for slow start, outlier detection and health checks
     */
    public static LoadBalancer create(Membership membership, LbConfig config, RandomGenerator random, Clock clock) {
        ClusterLoadBalancer lb = cluster(config, random, clock);
        lb.update(membership);
        return lb;
    }

    /** Like {@link #create} with zone-aware routing inputs. */
    public static ClusterLoadBalancer create(Membership membership, LbConfig config, RandomGenerator random,
                                             Clock clock, LocalCluster local) {
        ClusterLoadBalancer lb = cluster(config, random, clock);
        lb.updateLocalCluster(local);
        lb.update(membership);
        return lb;
    }

    /**
     * The random source for production: every call goes through {@code ThreadLocalRandom.current()}
     * on the calling thread, so each event loop draws from its own properly seeded stream, no
     * shared state, no contention. (Calling a {@code ThreadLocalRandom} captured on another thread
     * would skip the per-thread seeding.)
     */
    public static RandomGenerator eventLoopRandom() {
        return EventLoopRandom.INSTANCE;
    }

    private enum EventLoopRandom implements RandomGenerator {
        INSTANCE;

        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public long nextLong(long bound) {
            return ThreadLocalRandom.current().nextLong(bound);
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }

    /** An empty cluster load balancer (picks return {@code null} until the first update). */
    public static ClusterLoadBalancer cluster(LbConfig config, RandomGenerator random, Clock clock) {
        return new ClusterLoadBalancer(config, random, clock);
    }
}
