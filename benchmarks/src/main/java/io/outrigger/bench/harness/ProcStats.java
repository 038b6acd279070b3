package io.outrigger.bench.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and peak memory of a process and its descendants, from Linux's /proc: utime + stime from
 * {@code /proc/PID/stat} (clock ticks), VmHWM from {@code /proc/PID/status}. Descendants count
 * because nginx does its work in worker processes under the master.
 */
final class ProcStats {

    /** USER_HZ: what /proc's tick counts are in. 100 on every mainstream Linux build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** Total user + system CPU seconds of {@code pid} and all its live descendants. */
    static double cpuSeconds(long pid) {
        long ticks = 0;
        for (long p : tree(pid)) {
            String[] f = statFields(p);
            if (f != null) {
                // Fields after "(comm)": [0] state, [1] ppid, ... [11] utime, [12] stime.
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** Sum of VmHWM (peak resident set) over {@code pid} and its live descendants, in KiB. */
    static long peakRssKib(long pid) {
        long kib = 0;
        for (long p : tree(pid)) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                    if (line.startsWith("VmHWM:")) {
                        kib += Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException e) {
                // The process exited between listing and reading: it no longer holds memory.
            }
        }
        return kib;
    }

    /** {@code pid} followed by its descendants, found through every process's ppid. */
    static List<Long> tree(long pid) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long id = Long.parseLong(p.getFileName().toString());
                String[] f = statFields(id);
                if (f != null) {
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(id);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        List<Long> out = new ArrayList<>();
        out.add(pid);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children.getOrDefault(out.get(i), List.of()));
        }
        return out;
    }

    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // comm may contain spaces and parentheses: the fields start after the last ')'.
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
