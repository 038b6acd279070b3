package io.outrigger.bench.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One paced connection's schedule, which survives reconnects: in an open loop request {@code k} is
 * intended at {@code phase + k * interval} whether or not the connection was free at that moment, so
 * a stalled peer shows up in every request that had to wait (the wrk2 correction for coordinated
 * omission). All fields are touched only on {@link #loop}.
 */
final class Lane {

    private static final long RECONNECT_DELAY_MS = 100;

    final int index;
    final EventLoop loop;
    final WorkerStats stats;
    private final Bootstrap bootstrap;
    private final InetSocketAddress target;
    private final CountDownLatch finished;

    RunClock clock;
    /** Intended time of request 0 (open loop); lanes are staggered so the total rate is smooth. */
    long phase;
    /** Nanoseconds between this lane's requests, 0 for a closed loop. */
    long interval;
    /** Index of the next request to send (open loop). */
    long nextIndex;
    /** Whether {@link #start} was called: before it, an active channel idles. */
    boolean started;
    boolean done;
    Channel channel;

    Lane(int index, EventLoop loop, WorkerStats stats, Bootstrap bootstrap, InetSocketAddress target,
         CountDownLatch finished) {
        this.index = index;
        this.loop = loop;
        this.stats = stats;
        this.bootstrap = bootstrap;
        this.target = target;
        this.finished = finished;
    }

    long intendedAt(long k) {
        return phase + k * interval;
    }

    boolean openLoop() {
        return interval > 0;
    }

    /** Connects on this lane's event loop; the returned future completes when the channel is active. */
    ChannelFuture connect() {
        ChannelFuture f = bootstrap.clone(loop).attr(LaneHandler.LANE, this).connect(target);
        channel = f.channel();
        return f;
    }

    void start(RunClock runClock, long phaseNanos, long intervalNanos) {
        clock = runClock;
        phase = phaseNanos;
        interval = intervalNanos;
        started = true;
        LaneHandler h = channel == null ? null : channel.pipeline().get(LaneHandler.class);
        if (h != null) {
            h.pump();
        } else {
            reconnectLater();
        }
    }

    /** The connection went away: try again shortly, unless the run is over. */
    void reconnectLater() {
        if (done) {
            return;
        }
        if (started && clock.now() >= clock.end()) {
            finish();
            return;
        }
        loop.schedule(() -> {
            if (done) {
                return;
            }
            connect().addListener(f -> {
                if (!f.isSuccess()) {
                    if (started && clock.measured(clock.now())) {
                        stats.error();
                    }
                    reconnectLater();
                }
            });
        }, RECONNECT_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** Nothing more to send and nothing in flight, or the run gave up waiting. Idempotent. */
    void finish() {
        if (done) {
            return;
        }
        done = true;
        if (channel != null) {
            channel.close();
        }
        finished.countDown();
    }
}
