package io.outrigger.proxy.tls;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.cluster.UpstreamTransportSocket;
import io.outrigger.tls.context.TlsContextSource;
import io.outrigger.tls.context.TlsHandlers;
import java.util.Objects;

/**
 * A cluster's {@code UpstreamTlsContext} at run time: originates TLS on each upstream connection with the
 * cluster's {@code sni}, presenting our SVID and verifying the server's SPIFFE ID against the validation
 * context and {@code match_typed_subject_alt_names}.
 */
public final class UpstreamTls implements UpstreamTransportSocket {
    private final TlsContextSource source;
    private final String sni;

    /** @param sni empty: no SNI */
    UpstreamTls(TlsContextSource source, String sni) {
        this.source = Objects.requireNonNull(source, "source");
        this.sni = Objects.requireNonNull(sni, "sni");
    }

    @Override
    public Future<Channel> install(Channel upstream, UpstreamHost host) {
        TlsHandlers handlers = sni.isEmpty() ? source.newHandlers(upstream.alloc())
                : source.newHandlers(upstream.alloc(), sni, host.socketAddress().getPort());
        handlers.addFirst(upstream.pipeline());
        // Reads are off until the session attaches; the handshake needs the server's answer.
        upstream.read();
        return handlers.sslHandler().handshakeFuture();
    }

    public TlsContextSource source() {
        return source;
    }
}
