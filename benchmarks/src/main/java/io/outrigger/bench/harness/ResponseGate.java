package io.outrigger.bench.harness;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides when the backend may answer a request: after a fixed delay, and never during a stall.
 * A stall holds every response due before it ends, like a GC pause or a saturated upstream would,
 * which is what an open-loop load generator must expose and a closed-loop one hides.
 */
final class ResponseGate {

    private final LongSupplier nanoTime;
    private final long delayNanos;
    private final long stallAfterRequests;
    private final long stallNanos;
    private final AtomicLong requests = new AtomicLong();
    private volatile long pausedUntil = Long.MIN_VALUE;

    /**
     * @param stallAfterRequests the request whose arrival starts the one configured stall, 0 for none
     */
    ResponseGate(LongSupplier nanoTime, long delayNanos, long stallAfterRequests, long stallNanos) {
        this.nanoTime = nanoTime;
        this.delayNanos = delayNanos;
        this.stallAfterRequests = stallAfterRequests;
        this.stallNanos = stallNanos;
    }

    /** Counts one request and returns how many nanoseconds its response must wait (0: answer now). */
    long admit() {
        long now = nanoTime.getAsLong();
        long n = requests.incrementAndGet();
        if (stallAfterRequests > 0 && n == stallAfterRequests) {
            pausedUntil = now + stallNanos;
        }
        long due = now + delayNanos;
        long paused = pausedUntil;
        if (now < paused && due < paused) {
            due = paused;
        }
        return due - now;
    }

    /** Holds every response from now until {@code nanos} from now. */
    void stall(long nanos) {
        pausedUntil = nanoTime.getAsLong() + nanos;
    }

    long requests() {
        return requests.get();
    }
}
