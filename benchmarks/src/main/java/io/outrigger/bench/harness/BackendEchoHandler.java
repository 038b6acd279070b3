package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * The backend's TCP side: writes back every received buffer (ownership passes to the write), after
 * the gate's delay. Stops reading while the peer does not drain, so a bulk sender cannot make the
 * backend buffer without bound.
 */
final class BackendEchoHandler extends ChannelInboundHandlerAdapter {

    private final ResponseGate gate;

    BackendEchoHandler(ResponseGate gate) {
        this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long wait = gate.admit();
        if (wait <= 0) {
            ctx.write(buf, ctx.voidPromise());
        } else {
            ctx.executor().schedule(() -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(buf, ctx.voidPromise());
                } else {
                    buf.release();
                }
            }, wait, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
