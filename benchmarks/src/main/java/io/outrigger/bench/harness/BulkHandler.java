package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Bulk TCP throughput: keeps the connection's outbound buffer full (writes while the channel is
 * writable, so it never buffers without bound) and counts the bytes echoed back during the measured
 * period. Received buffers are released here.
 */
final class BulkHandler extends LaneHandler {

    private final ByteBuf chunk;
    private ScheduledFuture<?> endTimer;

    /** {@code chunk} must be unreleasable: every connection writes duplicates of it. */
    BulkHandler(ByteBuf chunk) {
        this.chunk = chunk;
    }

    @Override
    void pump() {
        if (ctx == null || lane == null || lane.done || !lane.started || !ctx.channel().isActive()) {
            return;
        }
        RunClock clock = lane.clock;
        long now = clock.now();
        if (now >= clock.end()) {
            lane.finish();
            return;
        }
        if (endTimer == null) {
            endTimer = ctx.executor().schedule(lane::finish, clock.end() - now, TimeUnit.NANOSECONDS);
        }
        boolean measuring = clock.measured(now);
        boolean wrote = false;
        while (ctx.channel().isWritable()) {
            ctx.write(chunk.duplicate(), ctx.voidPromise());
            wrote = true;
            if (measuring) {
                lane.stats.sent(chunk.readableBytes());
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    protected void cancelTimers() {
        if (endTimer != null) {
            endTimer.cancel(false);
            endTimer = null;
        }
    }

    @Override
    protected int abandonInFlight() {
        return 0;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf buf && lane != null && lane.started) {
                long now = lane.clock.now();
                if (lane.clock.measured(now) && now < lane.clock.end()) {
                    lane.stats.received(buf.readableBytes());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
