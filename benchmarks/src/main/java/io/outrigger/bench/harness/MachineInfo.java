package io.outrigger.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a report says about the machine it ran on, so figures from different machines are never
 * compared without knowing it.
 */
record MachineInfo(String cpuModel, int cores, String kernel, String jdk, long memTotalMib, String loadAverage,
                   String haproxyVersion, String nginxVersion, String outriggerCommit, String outriggerJar) {

    static MachineInfo describe(Path repo) {
        return new MachineInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(),
                read("/proc/sys/kernel/osrelease"), Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                readMemTotalMib(), currentLoadAverage(), firstLine(command("haproxy", "-v")), firstLine(command("nginx", "-v")),
                firstLine(command("git", "-C", repo.toString(), "log", "-1", "--format=%h %cs %s")),
                jarBuilt(repo, Path.of("proxy-core/target/outrigger.jar")));
    }

    /** When the jar bin/outrigger runs was built: the working tree may be ahead of the last commit. */
    private static String jarBuilt(Path repo, Path jar) {
        try {
            return jar + " built " + Files.getLastModifiedTime(repo.resolve(jar)).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        } catch (IOException e) {
            return "not built (" + jar + ")";
        }
    }

    static String currentLoadAverage() {
        String s = read("/proc/loadavg");
        String[] f = s.split(" ");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : s;
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    private static long readMemTotalMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Output of a short command, or "not installed". */
    static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String firstLine(String s) {
        List<String> lines = s.lines().toList();
        return lines.isEmpty() ? "" : lines.get(0);
    }

    String toMarkdown() {
        return """
                | machine | |
                |---|---|
                | CPU | %s |
                | cores | %d |
                | memory | %d MiB |
                | kernel | %s |
                | JDK | %s |
                | load average at start (1/5/15 min) | %s |
                | HAProxy | %s |
                | nginx | %s |
                | Outrigger commit | %s |
                | Outrigger jar | %s |
                """.formatted(cpuModel, cores, memTotalMib, kernel, jdk, loadAverage, haproxyVersion, nginxVersion,
                outriggerCommit, outriggerJar);
    }
}
