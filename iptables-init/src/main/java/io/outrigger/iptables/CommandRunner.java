package io.outrigger.iptables;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the external binaries (iptables-restore, iptables-save, ip). Binaries are looked up on
 * {@code PATH} as given, so "missing binary" is reported by name before anything is applied.
 * An optional prefix (e.g. {@code ip netns exec pod}) lets tests run the same code inside a
 * network namespace.
 *
 * @param prefix prepended to every command line
 * @param path the PATH to search, colon separated
 * @param timeout how long one command may run before it is killed
 */
record CommandRunner(List<String> prefix, String path, Duration timeout) {

    /**
     * What a command did.
     *
     * @param exitCode the exit status
     * @param stdout standard output
     * @param stderr standard error
     */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    CommandRunner {
        prefix = List.copyOf(prefix);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** Runs in the current network namespace with this process's PATH. */
    static CommandRunner local() {
        String path = System.getenv("PATH");
        return new CommandRunner(List.of(), path == null ? "" : path, Duration.ofSeconds(60));
    }

    /** The binary's location on PATH, if it is there and executable. */
    Optional<Path> find(String binary) {
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code binary args...}, feeding {@code stdin}; the binary must be on PATH.
     *
     * @throws MissingBinaryException when it is not
     */
    Result run(String binary, List<String> args, String stdin) {
        Path resolved = find(binary).orElseThrow(() -> new MissingBinaryException(binary, path));
        List<String> command = new ArrayList<>(prefix);
        command.add(resolved.toString());
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        CompletableFuture<String> out = readAsync(process.getInputStream());
        CompletableFuture<String> err = readAsync(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The process exited before reading its input; its exit code and stderr say why.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                return new Result(124, out.join(), "timed out after " + timeout.toSeconds() + "s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read output of " + String.join(" ", command), e.getCause());
        }
    }

    /** A thread of its own per stream: the common pool may have one thread on a 2-core machine. */
    private static CompletableFuture<String> readAsync(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("iptables-init-output").start(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** A required binary is not on PATH. */
    static final class MissingBinaryException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String binary;

        MissingBinaryException(String binary, String path) {
            super("required binary not found: " + binary + " (searched PATH=" + path + ")");
            this.binary = binary;
        }

        String binary() {
            return binary;
        }
    }
}
