package io.outrigger.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Figures from an earlier run's CSV (e.g. the committed {@code baseline.csv}), so a report can say
 * how each subject moved since then. Only the columns compared are kept.
 */
final class PreviousResults {

    /** One earlier row; NaN where the earlier run had no figure (e.g. direct's CPU). */
    record Row(double throughput, double p50, double p99, double cpuPerUnit, double rssMib) {
    }

    private final Path source;
    private final Map<String, Row> rows;

    private PreviousResults(Path source, Map<String, Row> rows) {
        this.source = source;
        this.rows = rows;
    }

    static PreviousResults load(Path csv) throws IOException {
        Objects.requireNonNull(csv, "csv");
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty() || !Report.CSV_HEADER.startsWith(lines.getFirst())) {
            throw new IllegalArgumentException("compare: " + csv + " (expected: a CSV written by side-by-side, header "
                    + Report.CSV_HEADER.strip() + ")");
        }
        List<String> header = split(lines.getFirst());
        Map<String, Row> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = split(line);
            rows.put(f.get(header.indexOf("scenario")) + "/" + f.get(header.indexOf("subject")), new Row(
                    num(f, header, "throughput"), num(f, header, "p50_ms"), num(f, header, "p99_ms"),
                    num(f, header, "proxy_cpu_per_unit"), num(f, header, "peak_rss_mib")));
        }
        return new PreviousResults(csv, rows);
    }

    Row find(String scenario, SubjectKind subject) {
        return rows.get(scenario + "/" + subject.label());
    }

    Path source() {
        return source;
    }

    private static double num(List<String> fields, List<String> header, String column) {
        int i = header.indexOf(column);
        String v = i < 0 || i >= fields.size() ? "" : fields.get(i);
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    /** Splits one CSV line; fields may be double-quoted (the note column is). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** The "compared with an earlier run" table of one scenario, or "" when the earlier run lacks it. */
    String table(ScenarioResult r) {
        boolean bulk = r.scenario().bulk();
        StringBuilder md = new StringBuilder();
        for (ScenarioResult.Subject s : r.subjects()) {
            Row before = find(r.scenario().id(), s.kind);
            if (before == null) {
                continue;
            }
            LatencySummary l = LatencySummary.of(s.latency());
            boolean proxy = s.kind != SubjectKind.DIRECT;
            md.append("| ").append(s.label).append(" | ")
                    .append(ratio(s.meanThroughput(bulk), before.throughput())).append(" | ")
                    .append(bulk ? "—" : ratio(l.p50(), before.p50())).append(" | ")
                    .append(bulk ? "—" : ratio(l.p99(), before.p99())).append(" | ")
                    .append(proxy ? ratio(s.cpuPerUnit(bulk), before.cpuPerUnit()) : "—").append(" | ")
                    .append(proxy ? ratio(s.peakRssKib / 1024.0, before.rssMib()) : "—").append(" |\n");
        }
        if (md.isEmpty()) {
            return "";
        }
        return "Compared with `" + source.getFileName() + "` (now / then; the earlier run's machine and noise"
                + " may differ):\n\n"
                + "| subject | throughput | p50 | p99 | CPU per " + (bulk ? "GB" : "request") + " | peak RSS |\n"
                + "|---|---:|---:|---:|---:|---:|\n" + md + "\n";
    }

    private static String ratio(double now, double then) {
        if (!(then > 0) || Double.isNaN(now)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f×", now / then);
    }
}
