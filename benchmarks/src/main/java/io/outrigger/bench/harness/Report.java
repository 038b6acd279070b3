package io.outrigger.bench.harness;

import java.util.List;
import java.util.Locale;

/**
 * Markdown for one scenario's results: absolute figures, then ratios against direct (what the proxy
 * costs) and against HAProxy (how it compares with a mature native proxy), then the machine's noise
 * during the run so nobody reads a hiccup as a proxy's tail.
 */
final class Report {

    private static final String NA = "—";

    private Report() {
    }

    static String section(ScenarioResult r, String latencyPng, String throughputPng, int workers) {
        return section(r, latencyPng, throughputPng, workers, null);
    }

    /** @param previous an earlier run to compare with, or null */
    static String section(ScenarioResult r, String latencyPng, String throughputPng, int workers,
                          PreviousResults previous) {
        Scenario s = r.scenario();
        LoadSpec l = s.load();
        boolean bulk = s.bulk();
        StringBuilder md = new StringBuilder();
        md.append("## ").append(s.title()).append("\n\n");
        md.append(String.format(Locale.ROOT,
                "`%s`: %s, %d connection%s%s, payload %d B; %d interleaved repetition%s of %s measured after %s warm-up"
                        + " per subject; %d worker thread%s per proxy.%n%n",
                s.id(), l.protocol().label(), l.connections(), l.connections() == 1 ? "" : "s",
                l.openLoop() ? String.format(Locale.ROOT, ", open loop at %,.0f req/s", l.rate()) : ", closed loop",
                l.payloadBytes(), r.reps(), r.reps() == 1 ? "" : "s", Durations.format(l.duration()),
                Durations.format(l.warmup()), workers, workers == 1 ? "" : "s"));
        String unit = bulk ? "MB/s echoed" : "req/s";
        if (bulk) {
            md.append("| subject | ").append(unit)
                    .append(" (min–max) | errors | proxy CPU % | CPU s/GB | peak RSS MiB | harness CPU % |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        } else {
            md.append("| subject | ").append(unit)
                    .append(" (min–max) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | proxy CPU % | CPU µs/req"
                            + " | peak RSS MiB | harness CPU % |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        for (ScenarioResult.Subject sub : r.subjects()) {
            double[] t = sub.throughputs(bulk);
            double min = Double.MAX_VALUE;
            double max = 0;
            for (double v : t) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            boolean proxy = sub.kind != SubjectKind.DIRECT;
            md.append("| ").append(sub.label).append(" | ")
                    .append(String.format(Locale.ROOT, bulk ? "%,.1f (%,.1f–%,.1f)" : "%,.0f (%,.0f–%,.0f)",
                            sub.meanThroughput(bulk), min, max)).append(" | ");
            if (!bulk) {
                LatencySummary ls = LatencySummary.of(sub.latency());
                md.append(String.format(Locale.ROOT, "%.3f | %.3f | %.3f | %.3f | %.3f | ",
                        ls.p50(), ls.p90(), ls.p99(), ls.p999(), ls.max()));
            }
            md.append(sub.errors()).append(" | ")
                    .append(proxy ? String.format(Locale.ROOT, "%.1f", sub.cpuPercent()) : NA).append(" | ")
                    .append(proxy ? String.format(Locale.ROOT, bulk ? "%.2f" : "%.1f", sub.cpuPerUnit(bulk)) : NA)
                    .append(" | ")
                    .append(proxy ? String.format(Locale.ROOT, "%.1f", sub.peakRssKib / 1024.0) : NA).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", sub.harnessCpuPercent())).append(" |\n");
        }
        md.append('\n');
        md.append(ratios(r, bulk));
        if (previous != null) {
            md.append(previous.table(r));
        }
        LatencySummary h = LatencySummary.of(r.hiccups());
        md.append(String.format(Locale.ROOT,
                "Machine noise during this scenario (a thread sleeping 1 ms, woken late by): p99 %.2f ms, max %.2f ms;"
                        + " load average at end %s.%n%n", h.p99(), h.max(), r.loadAverageAtEnd()));
        if (!r.skipped().isEmpty()) {
            md.append("Not run: ").append(String.join("; ", r.skipped())).append(".\n\n");
        }
        if (latencyPng != null) {
            md.append("![").append(s.id()).append(" latency](").append(latencyPng).append(")\n");
        }
        md.append("![").append(s.id()).append(" throughput](").append(throughputPng).append(")\n\n");
        return md.toString();
    }

    private static String ratios(ScenarioResult r, boolean bulk) {
        ScenarioResult.Subject direct = r.subject(SubjectKind.DIRECT);
        ScenarioResult.Subject haproxy = r.subject(SubjectKind.HAPROXY);
        List<ScenarioResult.Subject> proxies = r.subjects().stream().filter(x -> x.kind != SubjectKind.DIRECT).toList();
        if (proxies.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        md.append("Ratios (throughput: higher is better; latency, CPU and memory: lower is better):\n\n");
        if (bulk) {
            md.append("| subject | MB/s vs direct | MB/s vs HAProxy | CPU/GB vs HAProxy | RSS vs HAProxy |\n");
            md.append("|---|---:|---:|---:|---:|\n");
        } else {
            md.append("| subject | req/s vs direct | req/s vs HAProxy | p50 vs direct | p50 vs HAProxy | p99 vs direct"
                    + " | p99 vs HAProxy | CPU/req vs HAProxy | RSS vs HAProxy |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        LatencySummary dl = direct == null || bulk ? null : LatencySummary.of(direct.latency());
        LatencySummary hl = haproxy == null || bulk ? null : LatencySummary.of(haproxy.latency());
        for (ScenarioResult.Subject p : proxies) {
            md.append("| ").append(p.label).append(" | ");
            double t = p.meanThroughput(bulk);
            md.append(ratio(t, direct == null ? Double.NaN : direct.meanThroughput(bulk))).append(" | ");
            md.append(ratio(t, haproxy == null ? Double.NaN : haproxy.meanThroughput(bulk))).append(" | ");
            if (!bulk) {
                LatencySummary pl = LatencySummary.of(p.latency());
                md.append(ratio(pl.p50(), dl == null ? Double.NaN : dl.p50())).append(" | ");
                md.append(ratio(pl.p50(), hl == null ? Double.NaN : hl.p50())).append(" | ");
                md.append(ratio(pl.p99(), dl == null ? Double.NaN : dl.p99())).append(" | ");
                md.append(ratio(pl.p99(), hl == null ? Double.NaN : hl.p99())).append(" | ");
            }
            md.append(ratio(p.cpuPerUnit(bulk), haproxy == null ? Double.NaN : haproxy.cpuPerUnit(bulk))).append(" | ");
            md.append(ratio(p.peakRssKib, haproxy == null ? Double.NaN : haproxy.peakRssKib)).append(" |\n");
        }
        md.append('\n');
        return md.toString();
    }

    private static String ratio(double a, double b) {
        if (!(b > 0) || Double.isNaN(a)) {
            return NA;
        }
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }

    /** Columns of the machine-readable companion of each report (one row per scenario and subject). */
    static final String CSV_HEADER = "scenario,subject,note,throughput,throughput_unit,throughput_min,throughput_max,"
            + "p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,proxy_cpu_pct,proxy_cpu_per_unit,cpu_unit,peak_rss_mib,"
            + "harness_cpu_pct,reps\n";

    static String csv(ScenarioResult r) {
        boolean bulk = r.scenario().bulk();
        StringBuilder out = new StringBuilder();
        for (ScenarioResult.Subject sub : r.subjects()) {
            double[] t = sub.throughputs(bulk);
            double min = java.util.Arrays.stream(t).min().orElse(Double.NaN);
            double max = java.util.Arrays.stream(t).max().orElse(Double.NaN);
            LatencySummary l = LatencySummary.of(sub.latency());
            boolean proxy = sub.kind != SubjectKind.DIRECT;
            String note = r.scenario().notes().getOrDefault(sub.kind, "");
            out.append(String.join(",", r.scenario().id(), sub.kind.label(), '"' + note.replace("\"", "'") + '"',
                    num(sub.meanThroughput(bulk)), bulk ? "MB/s" : "req/s", num(min), num(max),
                    bulk ? "" : num(l.p50()), bulk ? "" : num(l.p90()), bulk ? "" : num(l.p99()),
                    bulk ? "" : num(l.p999()), bulk ? "" : num(l.max()), Long.toString(sub.errors()),
                    proxy ? num(sub.cpuPercent()) : "", proxy ? num(sub.cpuPerUnit(bulk)) : "",
                    bulk ? "s/GB" : "us/req", proxy ? num(sub.peakRssKib / 1024.0) : "",
                    num(sub.harnessCpuPercent()), Integer.toString(sub.runs.size()))).append('\n');
        }
        return out.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String header(String title, MachineInfo machine, String command) {
        return "# " + title + "\n\n"
                + "Regenerate with `" + command + "`. Latency is measured by our load generator from each request's"
                + " intended send time (coordinated omission corrected); in a closed loop that is the send time."
                + " Proxy CPU is utime + stime of the proxy's process tree over the measured periods"
                + " (/proc/PID/stat); peak RSS is VmHWM summed over that tree; harness CPU is the load generator's"
                + " and backend's JVM over the same periods (100 % = one core). The backend and the load generator"
                + " share the machine with the proxy: on a 2-core machine absolute figures are low, the ratios are"
                + " what carries over.\n\n"
                + machine.toMarkdown() + "\n";
    }
}
