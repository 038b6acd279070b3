package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;

import java.util.concurrent.locks.LockSupport;

/**
 * Measures how late this machine wakes a sleeping thread (the jHiccup idea): a thread asks to sleep
 * 1 ms and records how much longer it took. On an idle machine that is tens of microseconds; on a
 * loaded one it is the scheduling noise every latency measured at the same time also carries, so a
 * report (or a test tolerance) can tell the proxy's latency from the machine's.
 */
public final class HiccupMeter implements AutoCloseable {

    private static final long RESOLUTION_NANOS = 1_000_000L;

    private final Histogram hiccups = new Histogram(WorkerStats.LOWEST, WorkerStats.HIGHEST, WorkerStats.DIGITS);
    private final Thread thread;
    private volatile boolean running = true;

    private HiccupMeter() {
        thread = Thread.ofPlatform().daemon().name("hiccup-meter").unstarted(this::loop);
    }

    /** Starts measuring on a daemon thread of its own. */
    public static HiccupMeter start() {
        HiccupMeter m = new HiccupMeter();
        m.thread.start();
        return m;
    }

    private void loop() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(RESOLUTION_NANOS);
            long late = System.nanoTime() - before - RESOLUTION_NANOS;
            hiccups.recordValue(Math.max(WorkerStats.LOWEST, Math.min(WorkerStats.HIGHEST, late)));
        }
    }

    /** Stops measuring and returns what was seen; the histogram is in nanoseconds. */
    public Histogram stop() throws InterruptedException {
        running = false;
        thread.join();
        return hiccups;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
