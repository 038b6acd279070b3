package io.outrigger.bench.harness;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs the same scenario against direct, Outrigger, HAProxy and nginx in front of one backend, with
 * the same load and worker count, repetitions interleaved (subject order rotated each round) so that
 * drift of a shared machine spreads over all subjects; writes a Markdown report with ratios and PNGs.
 */
@Command(name = "side-by-side", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compare direct, Outrigger, HAProxy and nginx under the same load.")
public final class SideBySide implements Callable<Integer> {

    private static final Duration HARNESS_WARMUP = Duration.ofSeconds(2);

    @Option(names = "--scenario", split = ",", description = "scenario ids (default: all): ${COMPLETION-CANDIDATES}")
    List<String> scenarios;

    @Option(names = "--subjects", split = ",", defaultValue = "direct,outrigger,haproxy,nginx")
    List<String> subjects;

    @Option(names = "--reps", defaultValue = "4",
            description = "interleaved rounds; as many as subjects puts each subject in every position once")
    int reps;

    @Option(names = "--duration", converter = Durations.class, description = "measured time per repetition (default 10s)")
    Duration duration;

    @Option(names = "--warmup", converter = Durations.class, description = "warm-up per repetition (default 2s)")
    Duration warmup;

    @Option(names = "--workers", defaultValue = "1", description = "worker threads per proxy")
    int workers;

    @Option(names = "--backend-threads", defaultValue = "1")
    int backendThreads;

    @Option(names = "--baseline", description = "the short committed baseline: the scenarios Outrigger runs, 3 x 2s, into results/baseline.md")
    boolean baseline;

    @Option(names = "--repo", defaultValue = ".", description = "the Outrigger checkout (for bin/outrigger and results/)")
    Path repo;

    @Option(names = "--out", description = "report directory (default: <repo>/benchmarks/results)")
    Path out;

    @Option(names = "--outrigger", description = "launcher (default: <repo>/bin/outrigger)")
    Path outrigger;

    @Option(names = "--compare", description = "an earlier run's CSV (e.g. benchmarks/results/baseline.csv) to compare with")
    Path compare;

    @Option(names = "--keep-work", description = "keep the generated proxy configs and logs (printed at the end)")
    boolean keepWork;

    /** Loaded from {@link #compare} before the first scenario runs. */
    private PreviousResults previous;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path repoDir = repo.toAbsolutePath().normalize();
        Path outDir = out != null ? out : repoDir.resolve("benchmarks/results");
        Path launcher = outrigger != null ? outrigger : repoDir.resolve("bin/outrigger");
        Files.createDirectories(outDir);
        List<Scenario> list = new ArrayList<>();
        List<Scenario> defaults = baseline ? Scenarios.baseline() : Scenarios.all();
        for (String id : scenarios == null ? defaults.stream().map(Scenario::id).toList() : scenarios) {
            list.add(Scenarios.byId(id));
        }
        int repetitions = reps;
        Duration d = duration;
        Duration w = warmup;
        if (baseline) {
            repetitions = 3;
            // Five scenarios x four subjects x three rounds must finish in under five minutes.
            d = d != null ? d : Duration.ofSeconds(2);
            w = w != null ? w : Duration.ofSeconds(1);
        }
        if (repetitions < 1) {
            throw new IllegalArgumentException("reps: " + repetitions + " (expected: >= 1)");
        }
        List<SubjectKind> kinds = subjects.stream().map(SubjectKind::fromLabel).toList();
        // Read the earlier CSV before anything runs: --baseline may be about to overwrite it.
        previous = compare == null ? null : PreviousResults.load(compare);
        MachineInfo machine = MachineInfo.describe(repoDir);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm", Locale.ROOT));
        Path work = Files.createTempDirectory("side-by-side-");
        try {
            return runAll(list, kinds, repetitions, d, w, work, launcher, outDir, machine, stamp);
        } finally {
            if (keepWork) {
                System.err.println("proxy configs and logs kept in " + work);
            } else {
                deleteTree(work);
            }
        }
    }

    private int runAll(List<Scenario> list, List<SubjectKind> kinds, int repetitions, Duration d, Duration w, Path work,
                       Path launcher, Path outDir, MachineInfo machine, String stamp) throws Exception {
        StringBuilder baselineMd = new StringBuilder(Report.header("Side-by-side baseline", machine,
                "benchmarks/bin/side-by-side --baseline"));
        StringBuilder baselineCsv = new StringBuilder(Report.CSV_HEADER);
        for (Scenario sc : list) {
            Scenario timed = sc.timed(d != null ? d : sc.load().duration(), w != null ? w : sc.load().warmup());
            ScenarioResult r = runScenario(timed, kinds, repetitions, work, launcher);
            String prefix = baseline ? "baseline-" + sc.id() : stamp + "-" + sc.id();
            String latencyPng = timed.bulk() ? null : prefix + "-latency.png";
            String throughputPng = prefix + "-throughput.png";
            plot(r, outDir, latencyPng, throughputPng);
            String section = Report.section(r, latencyPng, throughputPng, workers, previous);
            if (baseline) {
                baselineMd.append(section);
                baselineCsv.append(Report.csv(r));
            } else {
                Files.writeString(outDir.resolve(prefix + ".csv"), Report.CSV_HEADER + Report.csv(r));
                Path md = outDir.resolve(prefix + ".md");
                Files.writeString(md, Report.header(timed.title(), machine,
                        "benchmarks/bin/side-by-side --scenario " + sc.id() + " --reps " + repetitions + " --duration "
                                + Durations.format(timed.load().duration()) + " --warmup "
                                + Durations.format(timed.load().warmup()) + " --workers " + workers) + section);
                System.err.println("wrote " + md);
            }
        }
        if (baseline) {
            Path md = outDir.resolve("baseline.md");
            Files.writeString(md, baselineMd.toString());
            Files.writeString(outDir.resolve("baseline.csv"), baselineCsv.toString());
            System.err.println("wrote " + md);
        }
        return 0;
    }

    private ScenarioResult runScenario(Scenario sc, List<SubjectKind> kinds, int repetitions, Path work, Path launcher)
            throws Exception {
        System.err.printf(Locale.ROOT, "== %s (%s)%n", sc.title(), sc.id());
        HiccupMeter hiccups = HiccupMeter.start();
        List<String> skipped = new ArrayList<>();
        Map<SubjectKind, RunningSubject> running = new EnumMap<>(SubjectKind.class);
        Map<SubjectKind, ScenarioResult.Subject> results = new EnumMap<>(SubjectKind.class);
        try (Testbed testbed = Testbed.start(sc, backendThreads, work)) {
            try {
                for (SubjectKind k : kinds) {
                    if (!sc.modes().containsKey(k)) {
                        continue;
                    }
                    try {
                        running.put(k, RunningSubject.start(k, sc, testbed, work, launcher, workers));
                        results.put(k, new ScenarioResult.Subject(k, sc.label(k)));
                    } catch (IOException e) {
                        System.err.println("!! " + k.label() + " not run: " + e.getMessage());
                        skipped.add(k.label() + " (" + firstLine(e.getMessage()) + ")");
                    }
                }
                warmUpHarness(sc, testbed.backend());
                List<SubjectKind> subjectsUp = new ArrayList<>(running.keySet());
                for (int rep = 0; rep < repetitions; rep++) {
                    for (SubjectKind k : roundOrder(subjectsUp, rep)) {
                        RunningSubject subject = running.get(k);
                        if (subject.process() != null && !subject.process().alive()) {
                            continue;
                        }
                        System.err.printf(Locale.ROOT, "-- %s rep %d/%d: %s at %s%n", sc.id(), rep + 1, repetitions,
                                sc.label(k), subject.address());
                        try {
                            results.get(k).runs.add(runOnce(sc, subject, rep));
                        } catch (IOException e) {
                            // A proxy that stops accepting mid-scenario is reported, not allowed to sink the others.
                            System.err.println("!! " + k.label() + " failed: " + e.getMessage());
                            skipped.add(k.label() + " rep " + (rep + 1) + " (" + firstLine(e.getMessage()) + ")");
                        }
                    }
                }
                for (Map.Entry<SubjectKind, RunningSubject> e : running.entrySet()) {
                    ProxyProcess p = e.getValue().process();
                    if (p != null) {
                        if (!p.alive()) {
                            skipped.add(e.getKey().label() + " (exited during the run: " + firstLine(p.logTail()) + ")");
                        }
                        results.get(e.getKey()).peakRssKib = ProcStats.peakRssKib(p.pid());
                    }
                }
            } finally {
                for (RunningSubject s : running.values()) {
                    s.close();
                }
            }
        }
        List<ScenarioResult.Subject> subjectsWithRuns = results.values().stream().filter(s -> !s.runs.isEmpty()).toList();
        return new ScenarioResult(sc, repetitions, subjectsWithRuns, skipped, hiccups.stop(), MachineInfo.currentLoadAverage());
    }

    /**
     * The order subjects run in round {@code round}: every subject once, rotated by one each round,
     * so that over as many rounds as subjects each one runs in every position (first after a proxy
     * start, last before the next round) once, and slow drift of the machine spreads evenly.
     */
    static List<SubjectKind> roundOrder(List<SubjectKind> subjects, int round) {
        List<SubjectKind> order = new ArrayList<>(subjects.size());
        for (int i = 0; i < subjects.size(); i++) {
            order.add(subjects.get((i + round) % subjects.size()));
        }
        return order;
    }

    /**
     * Runs the scenario's load straight at the backend for a while, discarded, so that the first
     * subject measured does not pay for compiling the harness's own codecs.
     */
    private static void warmUpHarness(Scenario sc, Backend backend) throws Exception {
        InetSocketAddress upstream = sc.load().protocol().isHttp() ? backend.httpAddress() : backend.tcpAddress();
        LoadSpec spec = sc.timed(HARNESS_WARMUP, Duration.ZERO).load().withTarget(upstream);
        System.err.printf(Locale.ROOT, "-- %s: warming up the load generator and backend (%s, discarded)%n", sc.id(),
                Durations.format(HARNESS_WARMUP));
        new LoadRunner().run(spec, pr -> { });
    }

    private static ScenarioResult.Run runOnce(Scenario sc, RunningSubject subject, int rep) throws Exception {
        LoadSpec spec = sc.load().withTarget(subject.address()).withTls(subject.clientTls());
        double[] cpu = {Double.NaN, Double.NaN};
        double[] self = {Double.NaN, Double.NaN};
        long selfPid = ProcessHandle.current().pid();
        ProxyProcess p = subject.process();
        PhaseListener phases = new PhaseListener() {
            @Override
            public void measureStarted() {
                self[0] = ProcStats.cpuSeconds(selfPid);
                if (p != null) {
                    cpu[0] = ProcStats.cpuSeconds(p.pid());
                }
            }

            @Override
            public void measureEnded() {
                self[1] = ProcStats.cpuSeconds(selfPid);
                if (p != null) {
                    cpu[1] = ProcStats.cpuSeconds(p.pid());
                }
            }
        };
        LoadResult r = new LoadRunner().run(spec, pr -> System.err.println("   " + pr.toLine()), phases);
        System.err.print(r.toText().indent(3));
        return new ScenarioResult.Run(rep, r, cpu[1] - cpu[0], self[1] - self[0]);
    }

    private static void plot(ScenarioResult r, Path dir, String latencyPng, String throughputPng) throws IOException {
        boolean bulk = r.scenario().bulk();
        if (latencyPng != null) {
            Plots.latencyCurve(r.scenario().title() + ": latency by percentile",
                    r.subjects().stream().map(s -> new Plots.Series(s.label, s.latency())).toList(),
                    dir.resolve(latencyPng));
        }
        List<Plots.Bar> bars = r.subjects().stream().map(s -> {
            double[] t = s.throughputs(bulk);
            double min = Double.MAX_VALUE;
            double max = 0;
            for (double v : t) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return new Plots.Bar(s.label, s.meanThroughput(bulk), min, max);
        }).toList();
        Plots.throughputBars(r.scenario().title() + ": throughput", bulk ? "MB/s echoed" : "requests/s", bars,
                dir.resolve(throughputPng));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static void main(String[] args) {
        System.exit(LoadGen.commandLine(new SideBySide(), "side-by-side").execute(args));
    }
}
