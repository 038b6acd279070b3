package io.outrigger.bench.harness;

import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Sends requests on one connection as its {@link Lane}'s schedule allows and records each
 * completion. Subclasses write one request and recognise the end of one response; this class owns
 * pacing: in a closed loop the next request goes out as soon as a slot is free, in an open loop every
 * request that is due goes out as soon as a slot is free, and its latency counts from when it was due.
 */
abstract class ExchangeHandler extends LaneHandler {

    private final int maxInFlight;
    private ScheduledFuture<?> wake;
    private final Runnable onWake = () -> {
        wake = null;
        pump();
    };

    ExchangeHandler(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** Writes (without flushing) one request intended at {@code intended} and sent at {@code now}. */
    protected abstract void send(long intended, long now);

    /** Requests written and not yet answered. */
    protected abstract int inFlight();

    @Override
    protected void cancelTimers() {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
    }

    /** Sends what is due, arms a timer for what is not yet due, and finishes the lane when all is done. */
    @Override
    final void pump() {
        if (ctx == null || lane == null || lane.done || !lane.started || !ctx.channel().isActive()) {
            return;
        }
        RunClock clock = lane.clock;
        long now = clock.now();
        boolean wrote = false;
        boolean more;
        if (lane.openLoop()) {
            long intended = lane.intendedAt(lane.nextIndex);
            while (inFlight() < maxInFlight && intended < clock.end() && intended <= now) {
                send(intended, now);
                wrote = true;
                lane.nextIndex++;
                intended = lane.intendedAt(lane.nextIndex);
            }
            more = intended < clock.end();
            if (more && intended > now && wake == null) {
                wake = ctx.executor().schedule(onWake, intended - now, TimeUnit.NANOSECONDS);
            }
        } else {
            while (inFlight() < maxInFlight && now < clock.end()) {
                send(now, now);
                wrote = true;
            }
            more = now < clock.end();
        }
        if (wrote) {
            ctx.flush();
        }
        if (!more && inFlight() == 0) {
            lane.finish();
        }
    }

    /** One response completed; {@code ok} is false for an error status or a reset stream. */
    protected final void completed(long intended, long sent, boolean ok) {
        RunClock clock = lane.clock;
        if (clock.measured(intended)) {
            if (ok) {
                lane.stats.record(intended, sent, clock.now());
            } else {
                lane.stats.error();
            }
        } else {
            lane.stats.warmupCompleted();
        }
    }

    protected final boolean measured(long intended) {
        return lane.clock.measured(intended);
    }
}
