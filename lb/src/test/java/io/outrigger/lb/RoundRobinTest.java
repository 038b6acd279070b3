package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static io.outrigger.lb.Fixtures.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();

    @Test
    void weights1To2To3GetTheirShareOf10000PicksWithin3Percent() {
        Host a = host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host b = host("10.0.0.2", 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host c = host("10.0.0.3", 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        LoadBalancer lb = LoadBalancers.create(flat(List.of(a, b, c)), LbConfig.of(LbPolicy.ROUND_ROBIN),
                new SplittableRandom(1), clock);
        Map<Host, Integer> counts = Fixtures.count(lb, 10_000, () -> 0);
        assertThat(counts.get(a) / 10_000.0).isCloseTo(1 / 6.0, within(0.03));
        assertThat(counts.get(b) / 10_000.0).isCloseTo(2 / 6.0, within(0.03));
        assertThat(counts.get(c) / 10_000.0).isCloseTo(3 / 6.0, within(0.03));
    }

    @Test
    void weightedOrderIsSmoothNotBursty() {
        // Weights 1:2:3 over 6 picks: the weight-3 host never gets 3 picks in a row (nginx/EDF smoothness).
        Host a = host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host b = host("10.0.0.2", 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host c = host("10.0.0.3", 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        LoadBalancer lb = LoadBalancers.create(flat(List.of(a, b, c)), LbConfig.of(LbPolicy.ROUND_ROBIN),
                new SplittableRandom(7), clock);
        List<Host> seq = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            seq.add(lb.pick(0));
        }
        for (int i = 0; i + 2 < seq.size(); i++) {
            assertThat(seq.get(i) == c && seq.get(i + 1) == c && seq.get(i + 2) == c).isFalse();
        }
        for (int start = 0; start + 6 <= seq.size(); start += 6) {
            List<Host> window = seq.subList(start, start + 6);
            assertThat(window.stream().filter(c::equals).count()).isEqualTo(3);
            assertThat(window.stream().filter(a::equals).count()).isEqualTo(1);
        }
    }

    @Test
    void equalWeightsVisitEveryHostOncePerRound() {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hosts.add(Host.of("10.0.0." + i, 80));
        }
        LoadBalancer lb = LoadBalancers.create(flat(hosts), LbConfig.of(LbPolicy.ROUND_ROBIN),
                new SplittableRandom(3), clock);
        for (int round = 0; round < 4; round++) {
            List<Host> seen = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                seen.add(lb.pick(0));
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(hosts);
        }
    }

    @Test
    void unhealthyHostsAreSkippedWhileEnoughAreHealthy() {
        List<Host> hosts = List.of(
                host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0),
                host("10.0.0.2", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0),
                host("10.0.0.3", 1, HealthStatus.UNHEALTHY, Locality.UNKNOWN, 0),
                host("10.0.0.4", 1, HealthStatus.UNKNOWN, Locality.UNKNOWN, 0));
        LoadBalancer lb = LoadBalancers.create(flat(hosts), LbConfig.of(LbPolicy.ROUND_ROBIN),
                new SplittableRandom(3), clock);
        Map<Host, Integer> counts = Fixtures.count(lb, 300, () -> 0);
        assertThat(counts).doesNotContainKey(hosts.get(2)).containsEntry(hosts.get(0), 100)
                .containsEntry(hosts.get(3), 100);
    }

    @Test
    void emptyClusterPicksNothing() {
        LoadBalancer lb = LoadBalancers.create(flat(List.of()), LbConfig.of(LbPolicy.ROUND_ROBIN),
                new SplittableRandom(3), clock);
        assertThat(lb.pick(0)).isNull();
        assertThat(((ClusterLoadBalancer) lb).stats().noHealthyHost()).isEqualTo(1);
    }

    @Test
    void scheduleForLargeWeightSumsKeepsRatios() {
        int[] schedule = SmoothSchedule.build(new long[] {1_000_000, 3_000_001});
        assertThat(schedule.length).isLessThanOrEqualTo(SmoothSchedule.MAX_PERIOD + 2);
        long zeros = java.util.Arrays.stream(schedule).filter(i -> i == 0).count();
        assertThat(zeros / (double) schedule.length).isCloseTo(0.25, within(0.001));
    }

    @Test
    void eventLoopsPickingConcurrentlyStillGetExactWeightShares() throws InterruptedException {
        // Each thread stripe walks the schedule with its own counter; every stripe sees a multiple
        // of the 6-pick period, so the totals are exact.
        Host a = host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host b = host("10.0.0.2", 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host c = host("10.0.0.3", 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        LoadBalancer lb = LoadBalancers.create(flat(List.of(a, b, c)), LbConfig.of(LbPolicy.ROUND_ROBIN),
                new SplittableRandom(1), clock);
        java.util.concurrent.ConcurrentHashMap<Host, java.util.concurrent.atomic.LongAdder> counts =
                new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 6_000; i++) {
                    counts.computeIfAbsent(lb.pick(0), k -> new java.util.concurrent.atomic.LongAdder()).increment();
                }
            }));
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(counts.get(a).sum()).isEqualTo(4_000);
        assertThat(counts.get(b).sum()).isEqualTo(8_000);
        assertThat(counts.get(c).sum()).isEqualTo(12_000);
    }
}
