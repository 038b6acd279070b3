package io.outrigger.lb;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.random.RandomGenerator;

/**
 * Round-robin positions, one per stripe of threads: each event loop walks the shared schedule
 * with its own counter, as each Envoy worker has its own round-robin state, instead of all event
 * loops bouncing one cache line. Each stripe starts at its own random offset. Counters sit 64
 * bytes apart so stripes do not share a cache line.
 */
final class StripedCounter {
    private static final int SPACING = 16; // ints per cache line
    private static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

    private final AtomicIntegerArray counters;
    private final int mask;

    StripedCounter(int period, RandomGenerator random) {
        this.mask = STRIPES - 1;
        this.counters = new AtomicIntegerArray(STRIPES * SPACING);
        for (int s = 0; s < STRIPES; s++) {
            counters.set(s * SPACING, (int) Long.remainderUnsigned(random.nextLong(), period));
        }
    }

    static int stripes(int processors) {
        int n = Integer.highestOneBit(Math.max(1, Math.min(64, processors)) * 2 - 1);
        return Math.max(1, n);
    }

    /** The next position of the calling thread's stripe, in [0, period). */
    int next(int period) {
        int stripe = (int) Thread.currentThread().threadId() & mask;
        // Masking the sign keeps the index valid after the counter wraps (one uneven step per 2^31 picks).
        return (counters.getAndIncrement(stripe * SPACING) & Integer.MAX_VALUE) % period;
    }
}
