package io.outrigger.lb;

import java.util.random.RandomGenerator;

/**
 * Smooth weighted round robin over a fixed host list: a precomputed {@link SmoothSchedule} walked
 * by a per-thread-stripe atomic counter (lock-free, no allocation, no cache line shared between
 * event loops). Each walk starts at a random offset, as Envoy's does, so proxies that restart
 * together do not all hit the first host first.
 */
final class RoundRobinPicker implements LoadBalancer {
    private final Host[] hosts;
    /** Null when all weights are equal: the schedule is then the identity. */
    private final int[] schedule;
    private final int period;
    private final StripedCounter next;

    RoundRobinPicker(Host[] hosts, long[] weights, RandomGenerator random) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one)");
        }
        this.hosts = hosts;
        this.schedule = SmoothSchedule.uniform(weights) ? null : SmoothSchedule.build(weights);
        this.period = schedule == null ? hosts.length : schedule.length;
        this.next = new StripedCounter(period, random);
    }

    @Override
    public Host pick(long hash) {
        int slot = next.next(period);
        return hosts[schedule == null ? slot : schedule[slot]];
    }
}
