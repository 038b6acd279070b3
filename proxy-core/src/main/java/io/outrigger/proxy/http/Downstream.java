package io.outrigger.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import java.net.InetSocketAddress;

/**
 * The downstream side of one request, as an {@link Exchange} sees it: an HTTP/1.1 connection
 * (one request at a time) or an HTTP/2 stream. Writes take ownership of the message.
 */
interface Downstream {
    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** "HTTP/1.1", "HTTP/1.0" or "HTTP/2" (as %PROTOCOL% prints it). */
    String protocol();

    boolean http2();

    InetSocketAddress remoteAddress();

    /**
     * The connection's restored original destination (listener {@code original_dst} filter or a
     * {@code use_original_dst} hand-off), where an ORIGINAL_DST cluster connects; {@code null}
     * when none was restored.
     */
    InetSocketAddress originalDestination();

    /** Writes part of the response; the head is normalized for the downstream protocol first. */
    void write(HttpObject msg);

    void flush();

    boolean isWritable();

    /** Stops or resumes reading the request: backpressure from the upstream. */
    void setReading(boolean reading);

    /** Aborts the response midway: HTTP/2 RST_STREAM, HTTP/1.1 connection close. */
    void reset();

    /** The response is complete; {@code close} asks for the connection to be closed after it. */
    void responseComplete(Exchange exchange, boolean close);
}
