package io.outrigger.lb;

/**
 * Envoy's {@code CircuitBreakers.Thresholds} for one routing priority. Defaults are Envoy's: 1024
 * connections, 1024 pending requests, 1024 requests, 3 concurrent retries.
 *
 * @param retryBudget when set, replaces {@code maxRetries} by a budget relative to load
 */
public record CircuitBreakerThresholds(long maxConnections, long maxPendingRequests, long maxRequests,
                                       long maxRetries, RetryBudget retryBudget) {
    public static final CircuitBreakerThresholds DEFAULT = new CircuitBreakerThresholds(1024, 1024, 1024, 3, null);

    public CircuitBreakerThresholds {
        nonNegative("maxConnections", maxConnections);
        nonNegative("maxPendingRequests", maxPendingRequests);
        nonNegative("maxRequests", maxRequests);
        nonNegative("maxRetries", maxRetries);
    }

    private static void nonNegative(String name, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: >= 0)");
        }
    }

    /**
     * Envoy's {@code retry_budget}: concurrent retries may be up to {@code budgetPercent} of active
     * plus pending requests, and never fewer than {@code minRetryConcurrency} (defaults 20%, 3).
     */
    public record RetryBudget(double budgetPercent, long minRetryConcurrency) {
        public static final RetryBudget DEFAULT = new RetryBudget(20.0, 3);

        public RetryBudget {
            if (!(budgetPercent >= 0 && budgetPercent <= 100)) {
                throw new IllegalArgumentException("budgetPercent: " + budgetPercent + " (expected: 0-100)");
            }
            if (minRetryConcurrency < 0) {
                throw new IllegalArgumentException("minRetryConcurrency: " + minRetryConcurrency + " (expected: >= 0)");
            }
        }
    }
}
