package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one load-generator event loop has measured. Only that event loop's thread writes; the
 * progress thread reads. The recorders are single-writer interval recorders, so the progress thread
 * takes an interval histogram each second without stopping the writer. The counters are volatile
 * fields with a single writer, so {@code x = x + 1} never loses an update and the reader sees recent
 * values without a lock.
 */
final class WorkerStats {

    /** Latencies are recorded in nanoseconds, with 1 µs resolution and up to one hour. */
    static final long LOWEST = 1_000L;
    static final long HIGHEST = 3_600_000_000_000L;
    static final int DIGITS = 3;

    /** Latency from the intended send time: corrects coordinated omission. */
    final SingleWriterRecorder corrected = new SingleWriterRecorder(LOWEST, HIGHEST, DIGITS);
    /** Latency from the actual send time: what a naive tool reports. */
    final SingleWriterRecorder uncorrected = new SingleWriterRecorder(LOWEST, HIGHEST, DIGITS);

    volatile long completed;
    volatile long errors;
    volatile long bytesSent;
    volatile long bytesReceived;
    volatile long warmupCompleted;

    static Histogram newHistogram() {
        return new Histogram(LOWEST, HIGHEST, DIGITS);
    }

    void record(long intendedNanos, long sentNanos, long nowNanos) {
        corrected.recordValue(clamp(nowNanos - intendedNanos));
        uncorrected.recordValue(clamp(nowNanos - sentNanos));
        completed = completed + 1;
    }

    void error() {
        errors = errors + 1;
    }

    void errors(long n) {
        errors = errors + n;
    }

    void sent(long bytes) {
        bytesSent = bytesSent + bytes;
    }

    void received(long bytes) {
        bytesReceived = bytesReceived + bytes;
    }

    void warmupCompleted() {
        warmupCompleted = warmupCompleted + 1;
    }

    private static long clamp(long nanos) {
        return Math.max(LOWEST, Math.min(HIGHEST, nanos));
    }
}
