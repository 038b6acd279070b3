package io.outrigger.proxy.http.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What an upstream attempt reports to the request that owns it, on the request's event loop.
 * Ownership of every message passes to the callee.
 */
public interface UpstreamCallbacks {
    /** A stream (HTTP/2) or connection (HTTP/1.1) is ready: the request may be written. */
    void onUpstreamReady(UpstreamAttempt attempt);

    /** The response head. A {@code FullHttpResponse} also ends the response. */
    void onUpstreamHead(UpstreamAttempt attempt, HttpResponse head);

    /** Response body; a {@code LastHttpContent} ends the response (and carries trailers). */
    void onUpstreamContent(UpstreamAttempt attempt, HttpContent content);

    /** The attempt failed before or while responding. */
    void onUpstreamFailure(UpstreamAttempt attempt, Failure failure, Throwable cause);

    /** The upstream can take more request body (after it was not writable). */
    void onUpstreamWritable(UpstreamAttempt attempt);

    /** Why an attempt failed. */
    enum Failure {
        /** No connection could be made (refused, timed out): Envoy's {@code connect-failure}, flag UF. */
        CONNECT_FAILURE,
        /** The connection or stream was reset or closed before the response ended: flag UR/UC. */
        RESET,
        /** HTTP/2 REFUSED_STREAM: the request was not processed and can be retried ({@code refused-stream}). */
        REFUSED_STREAM,
        /** Circuit breaker: too many connections and pending requests, flag UO. */
        OVERFLOW
    }
}
