package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything one scenario measured: per subject, all repetitions; and how noisy the machine was.
 *
 * @param skipped subjects that could not run, with the reason (e.g. not installed)
 */
record ScenarioResult(Scenario scenario, int reps, List<Subject> subjects, List<String> skipped, Histogram hiccups,
                      String loadAverageAtEnd) {

    /**
     * One repetition of one subject. {@code cpuSeconds} is the proxy's (NaN for {@code direct}, which
     * has no process); {@code harnessCpuSeconds} is the load generator's and backend's JVM, both over
     * the measured period.
     */
    record Run(int rep, LoadResult result, double cpuSeconds, double harnessCpuSeconds) {
    }

    /** One subject's repetitions, merged. */
    static final class Subject {
        final SubjectKind kind;
        final String label;
        final List<Run> runs = new ArrayList<>();
        /** Peak resident memory of the proxy process tree (KiB), 0 for direct. */
        long peakRssKib;

        Subject(SubjectKind kind, String label) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.label = Objects.requireNonNull(label, "label");
        }

        Histogram latency() {
            Histogram h = WorkerStats.newHistogram();
            runs.forEach(r -> h.add(r.result().corrected()));
            return h;
        }

        /** Requests per second, or received MB/s for bulk, per repetition. */
        double[] throughputs(boolean bulk) {
            return runs.stream().mapToDouble(r -> bulk ? r.result().receivedBytesPerSecond() / 1e6
                    : r.result().achievedRate()).toArray();
        }

        double meanThroughput(boolean bulk) {
            double[] t = throughputs(bulk);
            double s = 0;
            for (double v : t) {
                s += v;
            }
            return t.length == 0 ? Double.NaN : s / t.length;
        }

        long errors() {
            return runs.stream().mapToLong(r -> r.result().errors()).sum();
        }

        private double cpuSeconds() {
            return runs.stream().mapToDouble(Run::cpuSeconds).sum();
        }

        private double measuredSeconds() {
            return runs.stream().mapToDouble(r -> r.result().measuredSeconds()).sum();
        }

        /** Proxy CPU over the measured periods, in percent of one core; NaN for direct. */
        double cpuPercent() {
            return 100.0 * cpuSeconds() / measuredSeconds();
        }

        /**
         * Load generator + backend CPU over the measured periods, in percent of one core: close to
         * cores x 100 minus the proxy's share means the client side, not the proxy, set the pace.
         */
        double harnessCpuPercent() {
            return 100.0 * runs.stream().mapToDouble(Run::harnessCpuSeconds).sum() / measuredSeconds();
        }

        /** Proxy CPU per unit of work: microseconds per request, or seconds per GB received for bulk. */
        double cpuPerUnit(boolean bulk) {
            if (bulk) {
                double gb = runs.stream().mapToDouble(r -> r.result().bytesReceived()).sum() / 1e9;
                return cpuSeconds() / gb;
            }
            double requests = runs.stream().mapToDouble(r -> r.result().completed()).sum();
            return cpuSeconds() / requests * 1e6;
        }
    }

    Subject subject(SubjectKind kind) {
        for (Subject s : subjects) {
            if (s.kind == kind) {
                return s;
            }
        }
        return null;
    }
}
