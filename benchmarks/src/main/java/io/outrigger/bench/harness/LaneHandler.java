package io.outrigger.bench.harness;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * The last handler of a load-generator connection: binds the channel to its {@link Lane}, drives
 * sending through {@link #pump()} once per read batch, and on close counts what was lost and lets
 * the lane reconnect.
 */
abstract class LaneHandler extends ChannelInboundHandlerAdapter {

    static final AttributeKey<Lane> LANE = AttributeKey.valueOf("outrigger.bench.lane");

    protected ChannelHandlerContext ctx;
    protected Lane lane;

    /** Sends whatever the lane's schedule allows now; finishes the lane when nothing remains. */
    abstract void pump();

    /** Drops all in-flight requests (the connection is gone) and returns how many were measured. */
    protected abstract int abandonInFlight();

    /** Called when the channel goes inactive, before the lane reconnects. */
    protected void cancelTimers() {
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.lane = ctx.channel().attr(LANE).get();
        lane.channel = ctx.channel();
        if (lane.started) {
            pump();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        pump();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimers();
        int lost = abandonInFlight();
        if (lane != null) {
            if (lost > 0 && !lane.done) {
                lane.stats.errors(lost);
            }
            lane.reconnectLater();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a protocol error: the connection is useless, reconnecting is the recovery.
        ctx.close();
    }
}
