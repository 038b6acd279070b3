package io.outrigger.proxy.http;

import io.outrigger.proxy.http.upstream.UpstreamCallbacks;
import io.outrigger.xds.snapshot.RetryPolicySpec;
import java.util.Set;

/**
 * Envoy's {@code retry_on} conditions as pure decisions on a response status, a gRPC status or a
 * failure, and the jittered exponential backoff between tries.
 */
final class RetryRules {
    private final boolean on5xx;
    private final boolean gatewayError;
    private final boolean reset;
    private final boolean connectFailure;
    private final boolean retriable4xx;
    private final boolean refusedStream;
    private final boolean statusCodes;
    private final int[] codes;
    private final boolean grpcCancelled;
    private final boolean grpcDeadline;
    private final boolean grpcInternal;
    private final boolean grpcExhausted;
    private final boolean grpcUnavailable;
    final RetryPolicySpec spec;
    private final long baseNanos;
    private final long maxNanos;

    RetryRules(RetryPolicySpec spec) {
        this.spec = spec;
        Set<String> on = spec.retryOn();
        on5xx = on.contains("5xx");
        gatewayError = on.contains("gateway-error");
        reset = on.contains("reset") || on.contains("reset-before-request");
        connectFailure = on.contains("connect-failure");
        retriable4xx = on.contains("retriable-4xx");
        refusedStream = on.contains("refused-stream");
        statusCodes = on.contains("retriable-status-codes");
        codes = spec.retriableStatusCodes().stream().mapToInt(Integer::intValue).toArray();
        grpcCancelled = on.contains("cancelled");
        grpcDeadline = on.contains("deadline-exceeded");
        grpcInternal = on.contains("internal");
        grpcExhausted = on.contains("resource-exhausted");
        grpcUnavailable = on.contains("unavailable");
        baseNanos = spec.backoffBase().toNanos();
        maxNanos = spec.backoffMax().toNanos();
    }

    /** Whether a response with this status (and gRPC status, -1 when none) is retried. */
    boolean retriable(int status, int grpcStatus) {
        if (on5xx && status >= 500) {
            return true;
        }
        if (gatewayError && (status == 502 || status == 503 || status == 504)) {
            return true;
        }
        if (retriable4xx && status == 409) {
            return true;
        }
        if (statusCodes) {
            for (int c : codes) {
                if (c == status) {
                    return true;
                }
            }
        }
        return switch (grpcStatus) {
            case 1 -> grpcCancelled;
            case 4 -> grpcDeadline;
            case 8 -> grpcExhausted;
            case 13 -> grpcInternal;
            case 14 -> grpcUnavailable;
            default -> false;
        };
    }

    /** Whether a failure before the response is retried; an overflow never is. */
    boolean retriable(UpstreamCallbacks.Failure failure) {
        return switch (failure) {
            case CONNECT_FAILURE -> connectFailure || reset || on5xx || gatewayError;
            case RESET -> reset || on5xx || gatewayError;
            case REFUSED_STREAM -> refusedStream || reset || on5xx || gatewayError;
            case OVERFLOW -> false;
        };
    }

    /** A per-try timeout counts as a gateway timeout (504) and as "no response". */
    boolean retriableTimeout() {
        return on5xx || gatewayError || reset;
    }

    /**
     * The wait before retry number {@code retry} (1-based): uniform in
     * {@code [0, min(base × 2^(retry-1), max))}, Envoy's fully jittered exponential backoff.
     */
    long backoffNanos(int retry, long draw) {
        long ceiling = baseNanos;
        for (int i = 1; i < retry && ceiling < maxNanos; i++) {
            ceiling <<= 1;
        }
        ceiling = Math.min(ceiling, maxNanos);
        if (ceiling <= 0) {
            return 0;
        }
        return Long.remainderUnsigned(draw, ceiling);
    }
}
