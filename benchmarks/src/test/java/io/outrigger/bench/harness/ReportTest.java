package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private static final Scenario SCENARIO = Scenarios.byId("tcp-rr-1k-closed");

    /** A run of {@code seconds} that completed {@code requests}, all at {@code latencyMs}. */
    private static ScenarioResult.Run run(long requests, long latencyMs, double cpuSeconds) {
        LoadSpec spec = SCENARIO.timed(Duration.ofSeconds(10), Duration.ZERO).load()
                .withTarget(new InetSocketAddress("127.0.0.1", 1));
        Histogram h = WorkerStats.newHistogram();
        h.recordValueWithCount(latencyMs * 1_000_000L, requests);
        return new ScenarioResult.Run(0, new LoadResult(spec, h, h.copy(), requests, 0, requests * 1024,
                requests * 1024, 10.0), cpuSeconds, 5.0);
    }

    private static ScenarioResult.Subject subject(SubjectKind kind, ScenarioResult.Run run, long rssKib) {
        ScenarioResult.Subject s = new ScenarioResult.Subject(kind, kind.label());
        s.runs.add(run);
        s.peakRssKib = rssKib;
        return s;
    }

    @Test
    void ratiosCompareEachProxyWithDirectAndWithHaproxy() {
        // direct 10,000 req/s at 1 ms; HAProxy 8,000 at 2 ms; Outrigger 4,000 at 4 ms using twice HAProxy's CPU per request.
        ScenarioResult r = new ScenarioResult(SCENARIO, 1, java.util.List.of(
                subject(SubjectKind.DIRECT, run(100_000, 1, Double.NaN), 0),
                subject(SubjectKind.HAPROXY, run(80_000, 2, 4.0), 10 * 1024),
                subject(SubjectKind.OUTRIGGER, run(40_000, 4, 4.0), 100 * 1024)),
                java.util.List.of(), WorkerStats.newHistogram(), "0.00 0.00 0.00");

        String md = Report.section(r, "l.png", "t.png", 1);

        assertThat(md).contains("| direct | 10,000 (10,000–10,000) |");
        assertThat(md).contains("| haproxy | 8,000 (8,000–8,000) |");
        // Outrigger: 4,000/10,000 and 4,000/8,000 throughput; 4/1 and 4/2 latency; (4 s/40k)/(4 s/80k) CPU; 100/10 RSS.
        assertThat(md).contains("| outrigger | 0.40× | 0.50× | 4.00× | 2.00× | 4.00× | 2.00× | 2.00× | 10.00× |");
        assertThat(md).contains("| haproxy | 0.80× | 1.00× | 2.00× | 1.00× | 2.00× | 1.00× | 1.00× | 1.00× |");
        // CPU: 4 s over 10 s measured is 40 % of a core; 4 s / 40,000 requests is 100 µs each;
        // the harness used 5 s of CPU in those 10 s: 50 %.
        assertThat(md).containsPattern("\\| outrigger \\| 4,000 .*\\| 40\\.0 \\| 100\\.0 \\| 100\\.0 \\| 50 \\|");
        assertThat(md).contains("![tcp-rr-1k-closed latency](l.png)").contains("![tcp-rr-1k-closed throughput](t.png)");
    }

    @Test
    void csvHasOneRowPerSubjectWithTheSameFigures() {
        ScenarioResult r = new ScenarioResult(SCENARIO, 1, java.util.List.of(
                subject(SubjectKind.DIRECT, run(100_000, 1, Double.NaN), 0),
                subject(SubjectKind.HAPROXY, run(80_000, 2, 4.0), 10 * 1024)),
                java.util.List.of(), WorkerStats.newHistogram(), "0.00 0.00 0.00");

        String[] lines = (Report.CSV_HEADER + Report.csv(r)).split("\n");

        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("scenario,subject,note,throughput,throughput_unit");
        // direct has no proxy process: its CPU and memory cells are empty, not zero.
        assertThat(lines[1]).startsWith("tcp-rr-1k-closed,direct,\"\",10000.000,req/s,10000.000,10000.000,1.000,")
                .contains(",0,,,us/req,,50.000,1");
        assertThat(lines[2]).startsWith("tcp-rr-1k-closed,haproxy,\"\",8000.000,req/s,")
                .contains(",0,40.000,50.000,us/req,10.000,50.000,1");
    }

    @Test
    void comparesWithAnEarlierRunsCsv(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ScenarioResult before = new ScenarioResult(SCENARIO, 1, java.util.List.of(
                subject(SubjectKind.DIRECT, run(100_000, 1, Double.NaN), 0),
                subject(SubjectKind.HAPROXY, run(80_000, 2, 4.0), 10 * 1024)),
                java.util.List.of(), WorkerStats.newHistogram(), "0.00 0.00 0.00");
        java.nio.file.Path csv = dir.resolve("baseline.csv");
        java.nio.file.Files.writeString(csv, Report.CSV_HEADER + Report.csv(before));
        // Now HAProxy does half the requests at twice the latency, with the same CPU time (so twice per request).
        ScenarioResult now = new ScenarioResult(SCENARIO, 1, java.util.List.of(
                subject(SubjectKind.DIRECT, run(100_000, 1, Double.NaN), 0),
                subject(SubjectKind.HAPROXY, run(40_000, 4, 4.0), 10 * 1024)),
                java.util.List.of(), WorkerStats.newHistogram(), "0.00 0.00 0.00");

        String md = Report.section(now, "l.png", "t.png", 1, PreviousResults.load(csv));

        assertThat(md).contains("Compared with `baseline.csv`");
        assertThat(md).contains("| direct | 1.00× | 1.00× | 1.00× | — | — |");
        assertThat(md).contains("| haproxy | 0.50× | 2.00× | 2.00× | 2.00× | 1.00× |");
    }
}
