package io.outrigger.proxy.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.outrigger.tls.context.TlsConnectionInfo;
import io.outrigger.tls.identity.SpiffeId;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a TLS chain's connection until its handshake is done: then the peer's verified SPIFFE ID is known
 * (on the channel as {@link TlsConnectionInfo#ATTR}), the chain's RBAC filter decides, and only an allowed
 * connection gets its terminal filter (tcp_proxy or http_connection_manager). A denied one is closed, as Envoy's network RBAC
 * closes the connection. One instance per connection; it removes itself.
 */
final class HandshakeGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGate.class);

    private final ChainRuntime chain;
    private final InetSocketAddress originalDestination;

    /** @param originalDestination the connection's restored original destination, or {@code null} */
    HandshakeGate(ChainRuntime chain, InetSocketAddress originalDestination) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.originalDestination = originalDestination;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Reads are off on accepted connections until the tcp_proxy starts: the handshake needs them.
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (!done.isSuccess()) {
            LOG.debug("{}: TLS handshake failed on chain {}: {}", ctx.channel(), chain.name(), done.cause().toString());
            ctx.close();
            return;
        }
        TlsConnectionInfo info = ctx.channel().attr(TlsConnectionInfo.ATTR).get();
        SpiffeId peer = info == null ? null : info.peer();
        if (chain.rbac() != null && !chain.rbac().allows(peer == null ? null : peer.toString())) {
            LOG.debug("{}: peer {} denied by rbac on chain {}", ctx.channel(), peer, chain.name());
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        chain.terminal().installAndStart(ctx.channel(), originalDestination);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Application data comes only after the handshake event, which replaces this handler.
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read(); // keep the handshake going while reads are otherwise off
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: error before the tcp_proxy started: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
