package io.outrigger.tls.context;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;

/**
 * The two handlers a TLS connection needs, made from the same {@link TlsContextSnapshot}.
 *
 * @param sslHandler encrypts and decrypts; owns the engine
 * @param observer must follow {@code sslHandler}; reports the handshake and schedules the expiry event
 * @param snapshot the context generation the connection uses
 */
public record TlsHandlers(SslHandler sslHandler, TlsHandshakeObserver observer, TlsContextSnapshot snapshot) {
    /** Pipeline name of the {@link SslHandler}. */
    public static final String SSL_HANDLER_NAME = "tls";
    /** Pipeline name of the {@link TlsHandshakeObserver}. */
    public static final String OBSERVER_NAME = "tls-observer";

    public TlsHandlers {
        Objects.requireNonNull(sslHandler, "sslHandler");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Adds both at the front of {@code pipeline}, SSL first. */
    public void addFirst(ChannelPipeline pipeline) {
        pipeline.addFirst(OBSERVER_NAME, observer);
        pipeline.addFirst(SSL_HANDLER_NAME, sslHandler);
    }

    /** Adds both at the end of {@code pipeline}, SSL first. */
    public void addLast(ChannelPipeline pipeline) {
        pipeline.addLast(SSL_HANDLER_NAME, sslHandler);
        pipeline.addLast(OBSERVER_NAME, observer);
    }
}
