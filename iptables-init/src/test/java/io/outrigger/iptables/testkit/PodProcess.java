package io.outrigger.iptables.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process started in a pod ({@link Pod#start}). Its standard output is collected
 * line by line so a test can wait for a readiness line; closing it kills the process (and its
 * children). The owning {@link PodNetwork} closes it too, so a failing test leaves nothing running.
 */
public final class PodProcess implements AutoCloseable {

    private final String description;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final CompletableFuture<String> stderr;

    PodProcess(String description, Process process) {
        this.description = description;
        this.process = process;
        this.stderr = Commands.drain(process.getErrorStream());
        Thread.ofPlatform().daemon().name("podkit-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process was killed; what was read so far stays available.
            }
        });
    }

    /** The OS process id. */
    public long pid() {
        return process.pid();
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The lines printed to standard output so far. */
    public List<String> outputLines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Waits until the process prints {@code line}, e.g. a readiness marker.
     *
     * @throws AssertionError if it exits or the time runs out first (with its stderr)
     */
    public PodProcess awaitLine(String line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (!lines.contains(line)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !lines.contains(line))) {
                    break;
                }
                try {
                    lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + description, e);
                }
            }
            if (lines.contains(line)) {
                return this;
            }
        }
        String err = process.isAlive() ? "(still running)" : stderr.getNow("");
        throw new AssertionError(description + " did not print '" + line + "' within " + timeout + "; stdout="
                + outputLines() + " stderr=" + err);
    }

    /** Kills the process and its children; idempotent. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return description + " (pid " + process.pid() + ")";
    }
}
