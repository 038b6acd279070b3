package io.outrigger.proxy.http.upstream;

import io.netty.handler.codec.http.HttpObject;
import io.outrigger.proxy.cluster.UpstreamHost;

/**
 * One try of a request on one upstream host, over a pooled HTTP/1.1 connection or an HTTP/2 stream.
 * Everything runs on the owning request's event loop.
 */
public interface UpstreamAttempt {
    UpstreamHost host();

    /** Writes part of the request; ownership of {@code msg} passes to the attempt. */
    void write(HttpObject msg);

    void flush();

    /** Whether the upstream can take more body now. */
    boolean isWritable();

    /** Stops (false) or resumes (true) reading the response: backpressure from the downstream. */
    void setReading(boolean reading);

    /**
     * Abandons the attempt (timeout, retry, downstream gone): an HTTP/2 stream is reset, an HTTP/1.1
     * connection closed (it cannot be reused mid-response). No more callbacks follow.
     */
    void cancel();

    /** "HTTP/1.1" or "HTTP/2". */
    String protocol();
}
