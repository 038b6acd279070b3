package io.outrigger.lb;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Outlier-detection counters of one host, part of its {@link HostState} so they survive
 * membership updates. Event loops update them with atomics; the detector's control thread reads
 * and resets the per-interval ones.
 */
final class OutlierRecord {
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGatewayFailure = new AtomicInteger();
    final AtomicInteger consecutiveLocalOriginFailure = new AtomicInteger();
    final AtomicLong intervalSuccess = new AtomicLong();
    final AtomicLong intervalTotal = new AtomicLong();
    /** Set while an ejection request is queued to the control thread, so it is queued once. */
    final AtomicBoolean ejectionPending = new AtomicBoolean();
    /** Envoy's {@code num_ejections}: multiplies the base ejection time. Control thread only. */
    int ejections;
    /** When the current ejection started. Control thread only. */
    long ejectedAtMillis;
}
