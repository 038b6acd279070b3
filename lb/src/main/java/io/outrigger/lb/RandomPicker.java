package io.outrigger.lb;

import java.util.random.RandomGenerator;

/**
 * Envoy's RANDOM policy: a uniformly random host of the set. Like Envoy, it ignores host weights.
 */
final class RandomPicker implements LoadBalancer {
    private final Host[] hosts;
    private final RandomGenerator random;

    RandomPicker(Host[] hosts, RandomGenerator random) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one)");
        }
        this.hosts = hosts;
        this.random = random;
    }

    @Override
    public Host pick(long hash) {
        // Multiply-shift maps 32 random bits onto [0, n) without a division (bias < n / 2^32).
        return hosts[(int) (((random.nextLong() >>> 32) * hosts.length) >>> 32)];
    }
}
