package io.outrigger.bench.harness;

import java.util.function.LongSupplier;

/**
 * The time line of one run, in the injected clock's nanoseconds: requests intended before
 * {@code measureStart} are warm-up, none is intended at or after {@code end}.
 */
record RunClock(LongSupplier nanoTime, long start, long measureStart, long end) {

    long now() {
        return nanoTime.getAsLong();
    }

    boolean measured(long intendedNanos) {
        return intendedNanos >= measureStart;
    }
}
