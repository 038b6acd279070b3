package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * The connection manager's timeouts and limits, each with Envoy's default. A zero duration
 * disables that timeout.
 *
 * @param requestTimeout {@code request_timeout}: the whole request must arrive within it (default off)
 * @param requestHeadersTimeout {@code request_headers_timeout}: the headers must arrive within it (default off)
 * @param streamIdleTimeout {@code stream_idle_timeout} (default 5 min)
 * @param idleTimeout {@code common_http_protocol_options.idle_timeout}: a connection with no
 *                    active stream is closed after it (default 1 h)
 * @param maxRequestHeadersKb {@code max_request_headers_kb} (default 60; larger requests get 431)
 * @param maxHeadersCount {@code common_http_protocol_options.max_headers_count} (default 100)
 * @param maxConcurrentStreams {@code http2_protocol_options.max_concurrent_streams} (default 2^31-1)
 * @param initialStreamWindowSize {@code http2_protocol_options.initial_stream_window_size} (default 256 MiB)
 * @param initialConnectionWindowSize {@code http2_protocol_options.initial_connection_window_size} (default 256 MiB)
 * @param maxRequestBodyBytes how much of a request body is kept for retries (Envoy's per-connection
 *                            buffer limit, 1 MiB); a longer body is streamed and not retried
 */
public record HttpLimitsSpec(Duration requestTimeout, Duration requestHeadersTimeout, Duration streamIdleTimeout,
                             Duration idleTimeout, int maxRequestHeadersKb, int maxHeadersCount,
                             long maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize,
                             int maxRequestBodyBytes) {
    public static final HttpLimitsSpec DEFAULTS = new HttpLimitsSpec(Duration.ZERO, Duration.ZERO,
            Duration.ofMinutes(5), Duration.ofHours(1), 60, 100, Integer.MAX_VALUE, 268435456, 268435456, 1 << 20);

    public HttpLimitsSpec {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(requestHeadersTimeout, "requestHeadersTimeout");
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxRequestHeadersKb < 1 || maxRequestHeadersKb > 8192) {
            throw new IllegalArgumentException("maxRequestHeadersKb: " + maxRequestHeadersKb + " (expected: 1-8192)");
        }
        if (maxHeadersCount < 1) {
            throw new IllegalArgumentException("maxHeadersCount: " + maxHeadersCount + " (expected: >= 1)");
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
        }
        if (maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: >= 0)");
        }
    }

    public HttpLimitsSpec withRequestTimeout(Duration d) {
        return new HttpLimitsSpec(d, requestHeadersTimeout, streamIdleTimeout, idleTimeout, maxRequestHeadersKb,
                maxHeadersCount, maxConcurrentStreams, initialStreamWindowSize, initialConnectionWindowSize, maxRequestBodyBytes);
    }

    public HttpLimitsSpec withRequestHeadersTimeout(Duration d) {
        return new HttpLimitsSpec(requestTimeout, d, streamIdleTimeout, idleTimeout, maxRequestHeadersKb,
                maxHeadersCount, maxConcurrentStreams, initialStreamWindowSize, initialConnectionWindowSize, maxRequestBodyBytes);
    }
}
