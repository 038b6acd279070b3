package io.outrigger.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The real launcher ({@code io.outrigger.proxy.Main -c FILE}) running in a pod as the proxy's uid
 * 1337, the way the sidecar container runs it, read through its admin server on
 * {@code 127.0.0.1:15000} inside the pod.
 *
 * <p>The test class path is made readable to uid 1337 first: jars from the Maven repository
 * under {@code /root} (mode 700) are copied into a world-readable directory under
 * {@code /tmp}, removed when the JVM exits.
 */
final class SidecarProcess {
    static final int PROXY_UID = 1337;

    private static Path shared;
    private static String classPath;

    private final Pod pod;
    private final PodProcess process;
    private final Path log;

    private SidecarProcess(Pod pod, PodProcess process, Path log) {
        this.pod = pod;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts Outrigger in {@code pod} as uid/gid 1337 with {@code config} (bootstrap YAML) and
     * waits until its admin server reports LIVE.
     *
     * @param netAdmin give it CAP_NET_ADMIN (ambient), as TPROXY mode needs for IP_TRANSPARENT
     */
    static SidecarProcess start(Pod pod, String config, boolean netAdmin) {
        SidecarProcess sidecar = launch(pod, config, netAdmin);
        Awaitility.await("outrigger LIVE in " + pod).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    if (!sidecar.isAlive()) {
                        throw new AssertionError("outrigger exited in " + pod + ":\n" + sidecar.output());
                    }
                    return "LIVE".equals(sidecar.admin("/ready").strip());
                });
        // The log file is where leak reports would appear: make sure it is the launcher's.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.output().contains("outrigger is LIVE"));
        return sidecar;
    }

    /** Starts Outrigger in {@code pod} as uid/gid 1337 and returns at once. */
    static SidecarProcess launch(Pod pod, String config, boolean netAdmin) {
        Path dir = sharedDir();
        Path file = dir.resolve("bootstrap-" + pod.netns() + ".yaml");
        Path log = dir.resolve("outrigger-" + pod.netns() + ".log");
        try {
            Files.writeString(file, config);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(log, "");
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(PROXY_UID), "--regid",
                Integer.toString(PROXY_UID), "--clear-groups"));
        if (netAdmin) {
            cmd.addAll(List.of("--inh-caps", "+net_admin", "--ambient-caps", "+net_admin"));
        }
        // The launcher logs to stderr; kept in a file so the test can look for leak reports.
        cmd.addAll(List.of("--", "bash", "-c", "exec \"$@\" >>" + log + " 2>&1", "outrigger",
                System.getProperty("java.home") + "/bin/java", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Dio.netty.leakDetection.level=paranoid",
                "-cp", classPath(), "io.outrigger.proxy.Main", "-c", file.toString(), "--concurrency", "2",
                "--drain-time-s", "0"));
        PodProcess p = pod.start(cmd.toArray(String[]::new));
        return new SidecarProcess(pod, p, log);
    }

    /** GET {@code path} from the admin server inside the pod; empty when it does not answer. */
    String admin(String path) {
        ExecResult r = pod.exec("curl", "-s", "--max-time", "5", "http://127.0.0.1:15000" + path);
        return r.ok() ? r.stdout() : "";
    }

    /** Envoy's {@code /stats}: every stat by its dotted name. */
    Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>();
        for (String line : admin("/stats").split("\n")) {
            int colon = line.lastIndexOf(": ");
            if (colon > 0) {
                out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2).strip()));
            }
        }
        return out;
    }

    /** One stat; fails when the proxy has no stat of that name. */
    long stat(String name) {
        Long v = stats().get(name);
        assertThat(v).as("stat %s in %s", name, pod).isNotNull();
        return v;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What the launcher has logged so far. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Fails when Netty's paranoid leak detector reported a buffer leak in this proxy. */
    void assertNoLeakReports() {
        assertThat(output()).as("Netty leak reports of the proxy in %s", pod).doesNotContain("LEAK:");
    }

    /** examples/sidecar.yaml from this checkout: the bootstrap an operator starts with. */
    static String exampleConfig() {
        Path p = Path.of(System.getProperty("user.dir")).resolve("../examples/sidecar.yaml").normalize();
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static synchronized Path sharedDir() {
        if (shared == null) {
            try {
                shared = Files.createTempDirectory("outrigger-e2e-");
                Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        }
        return shared;
    }

    /** The test class path with every entry uid 1337 cannot reach replaced by a readable copy. */
    private static synchronized String classPath() {
        if (classPath != null) {
            return classPath;
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path lib = sharedDir().resolve("lib");
        List<String> entries = new ArrayList<>();
        try {
            Files.createDirectories(lib);
            Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
            int i = 0;
            for (String entry : cp.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (!Files.exists(p)) {
                    continue;
                }
                if (Files.isDirectory(p) || !p.toAbsolutePath().startsWith("/root")) {
                    entries.add(entry);
                    continue;
                }
                Path copy = lib.resolve((i++) + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        classPath = String.join(File.pathSeparator, entries);
        return classPath;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort at exit.
        }
    }
}
