package io.outrigger.iptables.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the kit, with a time limit so a hung command cannot hang a test run. */
final class Commands {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Commands() {}

    static ExecResult run(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
                return new ExecResult(124, out.join(), err.join() + "\n(killed after " + timeout + ")");
            }
            return new ExecResult(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    static ExecResult run(String... command) {
        return run(List.of(command), DEFAULT_TIMEOUT);
    }

    static ExecResult runOrFail(String... command) {
        return run(command).orFail(String.join(" ", command));
    }

    static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("podkit-drain").start(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                result.complete("");
            }
        });
        return result;
    }

    /** The java launcher of the running JVM (JDK 25), used to start helper processes in pods. */
    static String javaLauncher() {
        return System.getProperty("java.home") + "/bin/java";
    }
}
