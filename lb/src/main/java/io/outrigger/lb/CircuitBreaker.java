package io.outrigger.lb;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's circuit breaking for one cluster and routing priority: counters of open connections,
 * pending requests, active requests and active retries, each with a limit. {@code tryAcquire*}
 * never blocks: it reserves one unit with a CAS loop or reports overflow; every successful
 * acquire must be paired with one {@code release*}. Safe to call from any event loop.
 *
 * <p>Resilience4j's {@code SemaphoreBulkhead} offers the same try-acquire, but through a
 * {@code Semaphore} per limit plus event publishing per call; the retry budget needs a limit that
 * moves with load, which its fixed permit count does not model. Plain atomics keep the hot path at
 * one CAS.
 */
public final class CircuitBreaker {
    private final CircuitBreakerThresholds thresholds;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong pendingRequests = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final LongAdder connectionOverflow = new LongAdder();
    private final LongAdder pendingOverflow = new LongAdder();
    private final LongAdder requestOverflow = new LongAdder();
    private final LongAdder retryOverflow = new LongAdder();

    public CircuitBreaker(CircuitBreakerThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    private static boolean tryAcquire(AtomicLong counter, long max, LongAdder overflow) {
        long v;
        do {
            v = counter.get();
            if (v >= max) {
                overflow.increment();
                return false;
            }
        } while (!counter.compareAndSet(v, v + 1));
        return true;
    }

    private static void release(AtomicLong counter) {
        // Never below zero, even if a caller releases twice.
        long v;
        do {
            v = counter.get();
            if (v == 0) {
                return;
            }
        } while (!counter.compareAndSet(v, v - 1));
    }

    /** Reserves a connection ({@code max_connections}); false counts {@code upstream_cx_overflow}. */
    public boolean tryAcquireConnection() {
        return tryAcquire(connections, thresholds.maxConnections(), connectionOverflow);
    }

    public void releaseConnection() {
        release(connections);
    }

    /** Reserves a queued request ({@code max_pending_requests}); false counts {@code upstream_rq_pending_overflow}. */
    public boolean tryAcquirePendingRequest() {
        return tryAcquire(pendingRequests, thresholds.maxPendingRequests(), pendingOverflow);
    }

    public void releasePendingRequest() {
        release(pendingRequests);
    }

    /** Reserves an active request ({@code max_requests}); false counts an overflow. */
    public boolean tryAcquireRequest() {
        return tryAcquire(requests, thresholds.maxRequests(), requestOverflow);
    }

    public void releaseRequest() {
        release(requests);
    }

    /**
     * Reserves a retry: up to {@code max_retries}, or with a retry budget up to
     * {@code max(min_retry_concurrency, budget% × (active + pending requests))}; false counts
     * {@code upstream_rq_retry_overflow}.
     */
    public boolean tryAcquireRetry() {
        return tryAcquire(retries, maxRetries(), retryOverflow);
    }

    public void releaseRetry() {
        release(retries);
    }

    /** The current retry limit. */
    public long maxRetries() {
        CircuitBreakerThresholds.RetryBudget budget = thresholds.retryBudget();
        if (budget == null) {
            return thresholds.maxRetries();
        }
        long active = requests.get() + pendingRequests.get();
        return Math.max(budget.minRetryConcurrency(), (long) (budget.budgetPercent() / 100.0 * active));
    }

    public long connections() { return connections.get(); }
    public long pendingRequests() { return pendingRequests.get(); }
    public long requests() { return requests.get(); }
    public long retries() { return retries.get(); }
    public long connectionOverflow() { return connectionOverflow.sum(); }
    public long pendingOverflow() { return pendingOverflow.sum(); }
    public long requestOverflow() { return requestOverflow.sum(); }
    public long retryOverflow() { return retryOverflow.sum(); }

    public CircuitBreakerThresholds thresholds() {
        return thresholds;
    }
}
