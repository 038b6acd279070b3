package io.outrigger.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.outrigger.tls.context.TlsContextSource;
import io.outrigger.tls.context.TlsHandlers;
import java.util.Objects;

/**
 * A filter chain's {@code DownstreamTlsContext} at run time: the live server context (rotated when its
 * secrets change) that every accepted connection of the chain handshakes with.
 */
public final class DownstreamTls {
    private final TlsContextSource source;

    DownstreamTls(TlsContextSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The SslHandler and handshake observer for one connection, from the current context generation. */
    public TlsHandlers newHandlers(ByteBufAllocator alloc) {
        return source.newHandlers(alloc);
    }

    public TlsContextSource source() {
        return source;
    }
}
