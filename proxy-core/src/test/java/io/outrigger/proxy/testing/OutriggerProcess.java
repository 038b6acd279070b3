package io.outrigger.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real launcher ({@code io.outrigger.proxy.Main}) in its own JVM, with the test class path and
 * Netty's paranoid leak detector; its merged stdout/stderr is captured. {@link #close} asserts
 * that the output has no {@code LEAK:} report and kills the process if it is still running.
 */
public final class OutriggerProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread pump;

    private OutriggerProcess(Process process) {
        this.process = process;
        this.pump = Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    public static OutriggerProcess start(Path workDir, String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dio.netty.leakDetection.level=paranoid", "-XX:+UseSerialGC", "-Xmx128m", "-cp", classPath,
                "io.outrigger.proxy.Main"));
        cmd.addAll(List.of(args));
        try {
            return new OutriggerProcess(new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the exit code; fails the test if the process runs longer than {@code timeout}. */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("outrigger still running after " + timeout + "; output:\n" + output);
        }
        pump.join(10_000);
        return process.exitValue();
    }

    public String output() {
        return output.toString();
    }

    /**
     * Sends SIGTERM, as the kubelet does. Not {@link Process#destroy}: it also closes our end of the
     * process's output pipe, which would lose everything logged during the drain.
     */
    public void sigterm() throws Exception {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -TERM " + process.pid() + " failed");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        pump.join(10_000);
        assertThat(output.toString()).as("Netty leak reports in the launcher's output").doesNotContain("LEAK:");
    }
}
