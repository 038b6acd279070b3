package io.outrigger.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Puts a tcp_proxy on an accepted downstream channel (before it is active), so the session starts
 * when the channel does. The one entry point from the listener layer into this package.
 */
public final class TcpProxyInstaller {
    /**
     * Per-connection write buffer marks: a peer that stops reading pauses the other side once
     * 256 KiB are queued (Envoy's per-connection buffer limit is 1 MiB; we stay below it).
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final TcpProxyContext context;

    public TcpProxyInstaller(TcpProxyContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Adds the relay for {@code route} to {@code downstream}'s pipeline. */
    public void install(Channel downstream, TcpProxyRoute route) {
        install(downstream, route, null);
    }

    /**
     * Adds the relay for {@code route} to {@code downstream}'s pipeline.
     *
     * @param originalDestination the connection's restored original destination (what an
     *                            ORIGINAL_DST cluster connects to), or {@code null} when none was
     *                            restored
     */
    public void install(Channel downstream, TcpProxyRoute route, InetSocketAddress originalDestination) {
        downstream.pipeline().addLast("tcp_proxy", new RelayHandler(
                new TcpSession(downstream, route, context, originalDestination), TcpSession.Side.DOWNSTREAM));
    }

    /**
     * Adds the relay for {@code route} to an ACTIVE {@code downstream} and starts the session at once: for
     * connections whose filter chain is chosen after bytes were read (tls_inspector) or whose tcp_proxy
     * waits for a TLS handshake and RBAC.
     *
     * @param originalDestination as for {@link #install(Channel, TcpProxyRoute, InetSocketAddress)}
     */
    public void installAndStart(Channel downstream, TcpProxyRoute route, InetSocketAddress originalDestination) {
        TcpSession session = new TcpSession(downstream, route, context, originalDestination);
        downstream.pipeline().addLast("tcp_proxy", new RelayHandler(session, TcpSession.Side.DOWNSTREAM));
        session.start();
    }
}
