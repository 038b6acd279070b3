package io.outrigger.bench.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A proxy under test running as a child process: started with its generated config, considered up
 * once its listener accepts a connection, stopped with SIGTERM (then SIGKILL) with its descendants.
 */
final class ProxyProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ProxyProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} and waits until {@code listen} accepts connections. */
    static ProxyProcess start(String name, List<String> command, Path log, InetSocketAddress listen, Duration timeout)
            throws IOException, InterruptedException {
        Objects.requireNonNull(command, "command");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        ProxyProcess pp = new ProxyProcess(name, p, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IOException(name + " exited with status " + p.exitValue() + " before listening on "
                        + listen + "; command: " + String.join(" ", command) + "\n" + pp.logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(listen, 200);
                return pp;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    pp.close();
                    throw new IOException(name + " did not listen on " + listen + " within " + timeout.toSeconds()
                            + " s; command: " + String.join(" ", command) + "\n" + pp.logTail(), notYet);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + "[" + process.pid() + "]";
    }
}
