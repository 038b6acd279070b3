package io.outrigger.bench.harness;

import org.HdrHistogram.AbstractHistogram;

/**
 * The percentiles a report shows, in milliseconds.
 */
public record LatencySummary(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    private static final double NANOS_PER_MS = 1_000_000.0;

    static LatencySummary of(AbstractHistogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(h.getTotalCount(),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / NANOS_PER_MS);
    }

    private static double ms(long nanos) {
        return nanos / NANOS_PER_MS;
    }
}
