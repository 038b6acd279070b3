package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Event loops keep picking while the control thread publishes updates: every pick sees a whole snapshot. */
class ConcurrentUpdateTest {

    @ParameterizedTest
    @EnumSource(LbPolicy.class)
    void picksDuringUpdatesAlwaysReturnAMemberOfSomePublishedMembership(LbPolicy policy) throws Exception {
        List<Host> even = new ArrayList<>();
        List<Host> odd = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            (i % 2 == 0 ? even : odd).add(Host.of("10.0.0." + i, 80));
        }
        Set<Host> all = new HashSet<>(even);
        all.addAll(odd);
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(policy), LoadBalancers.eventLoopRandom(),
                new Fixtures.MutableClock());
        lb.update(flat(even));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<Host> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(2);
        CountDownLatch picking = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    long hash = 0;
                    for (int i = 0; i < 2_000_000 && !stop.get(); i++) {
                        Host h = lb.pick(hash += 0x9E3779B97F4A7C15L);
                        if (h == null || !all.contains(h)) {
                            throw new AssertionError("picked " + h);
                        }
                        lb.requestStarted(h);
                        lb.requestFinished(h);
                        seen.add(h);
                        if (i == 0) {
                            picking.countDown();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(picking.await(60, TimeUnit.SECONDS)).isTrue();
        for (int u = 0; u < 200; u++) {
            lb.update(flat(u % 2 == 0 ? odd : even));
        }
        stop.set(true);
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isNull();
        assertThat(seen).isNotEmpty();
        for (Host h : lb.membership().priorities().getFirst().localities().getFirst().hosts()) {
            assertThat(lb.state(h).activeRequests()).isZero();
        }
    }
}
