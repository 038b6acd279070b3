package io.outrigger.bench.harness;

import java.util.Locale;

/**
 * One line of progress, emitted about once a second while a run goes on.
 *
 * @param elapsedSeconds  since the run started (warm-up included)
 * @param phase           "warm-up", "measure" or "drain"
 * @param intervalCount   requests completed (measured ones) since the previous line
 * @param intervalRate    those per second
 * @param intervalP50Ms   their median latency (corrected), NaN when none
 * @param intervalP99Ms   their 99th percentile latency (corrected), NaN when none
 * @param totalErrors     errors so far
 * @param receivedMBps    received megabytes per second in the interval
 */
public record Progress(double elapsedSeconds, String phase, long intervalCount, double intervalRate,
                       double intervalP50Ms, double intervalP99Ms, long totalErrors, double receivedMBps) {

    public String toLine() {
        return String.format(Locale.ROOT, "[%5.1fs] %-7s %8d req %10.1f/s  p50 %8.3f ms  p99 %8.3f ms  errors %d  %.2f MB/s",
                elapsedSeconds, phase, intervalCount, intervalRate, intervalP50Ms, intervalP99Ms, totalErrors,
                receivedMBps);
    }
}
