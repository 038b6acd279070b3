package io.outrigger.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.outrigger.tls.context.CertificateExpiringEvent;
import java.util.Objects;

/**
 * The I/O end of a {@link TcpSession} on one of its two channels: it hands every event to the
 * session and decides nothing itself. {@link #channelRead} passes buffer ownership to the session.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final TcpSession session;
    private final TcpSession.Side side;

    RelayHandler(TcpSession session, TcpSession.Side side) {
        this.session = Objects.requireNonNull(session, "session");
        this.side = Objects.requireNonNull(side, "side");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (side == TcpSession.Side.DOWNSTREAM) {
            session.start();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.forward(side, ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.flushPeer(side);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.writabilityChanged(side, ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            session.inputShutdown(side);
        } else if (evt instanceof CertificateExpiringEvent) {
            session.certificateExpiring(side);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.inactive(side, ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.exception(side, cause);
    }
}
