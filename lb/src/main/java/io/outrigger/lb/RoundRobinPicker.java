package io.outrigger.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin over a fixed host list: a precomputed {@link SmoothSchedule} walked
 * by one shared atomic counter (lock-free, no allocation). The walk starts at a random offset, as
 * Envoy's does, so proxies that restart together do not all hit the first host first.
 */
final class RoundRobinPicker implements LoadBalancer {
    private final Host[] hosts;
    /** Null when all weights are equal: the schedule is then the identity. */
    private final int[] schedule;
    private final int period;
    /** Int, not long: int division is markedly cheaper on the pick path. */
    private final AtomicInteger next;

    RoundRobinPicker(Host[] hosts, long[] weights, long start) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one)");
        }
        this.hosts = hosts;
        this.schedule = SmoothSchedule.uniform(weights) ? null : SmoothSchedule.build(weights);
        this.period = schedule == null ? hosts.length : schedule.length;
        this.next = new AtomicInteger((int) Long.remainderUnsigned(start, period));
    }

    @Override
    public Host pick(long hash) {
        // Masking the sign keeps the index valid after the counter wraps (one uneven step per 2^31 picks).
        int slot = (next.getAndIncrement() & Integer.MAX_VALUE) % period;
        return hosts[schedule == null ? slot : schedule[slot]];
    }
}
