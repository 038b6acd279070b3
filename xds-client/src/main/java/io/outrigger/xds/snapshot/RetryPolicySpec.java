package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code route.v3.RetryPolicy}.
 *
 * @param retryOn the conditions, as written in {@code retry_on} (e.g. "5xx", "connect-failure")
 * @param numRetries {@code num_retries} (default 1)
 * @param perTryTimeout {@code per_try_timeout}; zero means none
 * @param retriableStatusCodes for the {@code retriable-status-codes} condition
 * @param backoffBase {@code retry_back_off.base_interval} (default 25 ms)
 * @param backoffMax {@code retry_back_off.max_interval} (default 10 × base)
 * @param previousHosts whether {@code envoy.retry_host_predicates.previous_hosts} is configured
 * @param hostSelectionMaxAttempts {@code host_selection_retry_max_attempts} (default 1)
 */
public record RetryPolicySpec(Set<String> retryOn, int numRetries, Duration perTryTimeout,
                              List<Integer> retriableStatusCodes, Duration backoffBase, Duration backoffMax,
                              boolean previousHosts, long hostSelectionMaxAttempts) {
    /** Envoy's retry conditions for HTTP and gRPC that Outrigger implements. */
    public static final Set<String> CONDITIONS = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
            "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "cancelled",
            "deadline-exceeded", "internal", "resource-exhausted", "unavailable");

    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(25);

    public RetryPolicySpec {
        retryOn = Set.copyOf(retryOn);
        if (numRetries < 0) {
            throw new IllegalArgumentException("numRetries: " + numRetries + " (expected: >= 0)");
        }
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        retriableStatusCodes = List.copyOf(retriableStatusCodes);
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
    }

    /** A policy with Envoy's defaults for everything but the conditions and count. */
    public static RetryPolicySpec of(Set<String> retryOn, int numRetries) {
        return new RetryPolicySpec(retryOn, numRetries, Duration.ZERO, List.of(), DEFAULT_BACKOFF_BASE,
                DEFAULT_BACKOFF_BASE.multipliedBy(10), false, 1);
    }

    public RetryPolicySpec withPerTryTimeout(Duration d) {
        return new RetryPolicySpec(retryOn, numRetries, d, retriableStatusCodes, backoffBase, backoffMax, previousHosts,
                hostSelectionMaxAttempts);
    }

    public RetryPolicySpec withBackoff(Duration base, Duration max) {
        return new RetryPolicySpec(retryOn, numRetries, perTryTimeout, retriableStatusCodes, base, max, previousHosts,
                hostSelectionMaxAttempts);
    }

    public RetryPolicySpec withRetriableStatusCodes(List<Integer> codes) {
        return new RetryPolicySpec(retryOn, numRetries, perTryTimeout, codes, backoffBase, backoffMax, previousHosts,
                hostSelectionMaxAttempts);
    }
}
