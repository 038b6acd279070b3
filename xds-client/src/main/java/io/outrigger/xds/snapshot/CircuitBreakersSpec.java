package io.outrigger.xds.snapshot;

/**
 * {@code circuit_breakers} thresholds for the DEFAULT routing priority, with Envoy's defaults.
 *
 * @param retryBudgetPercent {@code retry_budget.budget_percent}, or a negative value without a
 *                           retry budget ({@code max_retries} applies then)
 * @param minRetryConcurrency {@code retry_budget.min_retry_concurrency} (default 3)
 */
public record CircuitBreakersSpec(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries,
                                  double retryBudgetPercent, long minRetryConcurrency) {
    public static final CircuitBreakersSpec DEFAULTS = new CircuitBreakersSpec(1024, 1024, 1024, 3, -1, 3);

    public CircuitBreakersSpec {
        if (maxConnections < 0 || maxPendingRequests < 0 || maxRequests < 0 || maxRetries < 0 || minRetryConcurrency < 0) {
            throw new IllegalArgumentException("thresholds: expected >= 0");
        }
        if (retryBudgetPercent > 100) {
            throw new IllegalArgumentException("retryBudgetPercent: " + retryBudgetPercent + " (expected: 0-100)");
        }
    }

    public boolean hasRetryBudget() {
        return retryBudgetPercent >= 0;
    }
}
