package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.ZONE_A;
import static io.outrigger.lb.Fixtures.ZONE_B;
import static io.outrigger.lb.Fixtures.hosts;
import static io.outrigger.lb.Fixtures.level;
import static io.outrigger.lb.Fixtures.membership;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Picks run on event loops: they must not allocate (measured with the thread's allocation counter). */
class PickAllocationTest {

    @ParameterizedTest
    @EnumSource(LbPolicy.class)
    void picksDoNotAllocate(LbPolicy policy) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LbConfig config = LbConfig.of(policy).withLocalityWeighted(true);
        // Two priorities, two localities, P0 partly unhealthy so priority and locality choice both run.
        LoadBalancer lb = LoadBalancers.create(
                membership(level(hosts("a", ZONE_A, 1, 0, 50, 30), hosts("b", ZONE_B, 2, 0, 50, 40)),
                        level(hosts("c", ZONE_A, 1, 1, 50, 50))),
                config, new SplittableRandom(1), new Fixtures.MutableClock());
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += lb.pick(i * 0x9E3779B97F4A7C15L).port();
        }
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += lb.pick(i * 0x9E3779B97F4A7C15L).port();
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(sink).isPositive();
        // 100,000 picks: anything per pick would be >= 1.6 MB; allow a few KB of JIT/profiling noise.
        assertThat(allocated).isLessThan(16 * 1024);
    }
}
