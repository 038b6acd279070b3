package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * Raw TCP request/response: writes a fixed payload and counts it complete when as many bytes have
 * come back, then sends the next. Received buffers are released here.
 */
final class TcpEchoExchange extends ExchangeHandler {

    private final ByteBuf payload;
    private boolean pending;
    private long remaining;
    private long intended;
    private long sent;

    /** {@code payload} must be unreleasable: every connection writes duplicates of it. */
    TcpEchoExchange(ByteBuf payload) {
        super(1);
        this.payload = payload;
    }

    @Override
    protected void send(long intended, long now) {
        this.intended = intended;
        this.sent = now;
        this.pending = true;
        this.remaining = payload.readableBytes();
        if (measured(intended)) {
            lane.stats.sent(payload.readableBytes());
        }
        ctx.write(payload.duplicate(), ctx.voidPromise());
    }

    @Override
    protected int inFlight() {
        return pending ? 1 : 0;
    }

    @Override
    protected int abandonInFlight() {
        boolean lost = pending && lane != null && lane.started && measured(intended);
        pending = false;
        return lost ? 1 : 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf buf) {
                int n = buf.readableBytes();
                if (!pending) {
                    // Bytes nobody asked for: the peer is not an echo server, stop trusting this connection.
                    ctx.close();
                    return;
                }
                remaining -= n;
                if (remaining <= 0) {
                    pending = false;
                    if (measured(intended)) {
                        lane.stats.received(payload.readableBytes());
                    }
                    completed(intended, sent, remaining == 0);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
