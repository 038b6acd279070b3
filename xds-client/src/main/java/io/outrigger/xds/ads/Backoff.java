package io.outrigger.xds.ads;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect backoff with jitter: the n-th consecutive failure waits a random time in
 * [c/2, c] where c = min(base * 2^n, max). Half the ceiling is kept fixed ("equal jitter") so that a
 * crowd of proxies spreads out after a control plane restart without any of them retrying at once
 * in a tight loop, which Envoy's full jitter in [0, c) allows.
 *
 * <p>Not thread-safe: used on the xDS thread only.
 */
final class Backoff {
    private final long baseNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int attempts;

    Backoff(Duration base, Duration max, RandomGenerator random) {
        this.baseNanos = Objects.requireNonNull(base, "base").toNanos();
        this.maxNanos = Objects.requireNonNull(max, "max").toNanos();
        this.random = Objects.requireNonNull(random, "random");
        if (baseNanos <= 0) {
            throw new IllegalArgumentException("base: " + base + " (expected: > 0)");
        }
        if (maxNanos < baseNanos) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= base " + base + ")");
        }
    }

    /** The delay before the next attempt; each call doubles the ceiling until it reaches max. */
    Duration next() {
        long ceiling = baseNanos;
        for (int i = 0; i < attempts && ceiling < maxNanos; i++) {
            ceiling = Math.min(maxNanos, ceiling * 2);
        }
        ceiling = Math.min(ceiling, maxNanos);
        if (attempts < 64) {
            attempts++;
        }
        long half = ceiling / 2;
        return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
    }

    /** A healthy stream (one that received a response) starts the sequence over. */
    void reset() {
        attempts = 0;
    }
}
