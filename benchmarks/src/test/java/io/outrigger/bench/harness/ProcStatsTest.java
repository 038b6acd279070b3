package io.outrigger.bench.harness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class ProcStatsTest {

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private Process start(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        started.add(p);
        return p;
    }

    @Test
    void cpuTimeOfABusyProcessGrowsAndAnIdleOneStaysNearZero() throws Exception {
        Process busy = start("while :; do :; done");
        Process idle = start("sleep 60");
        // On a loaded machine the busy loop may get a fraction of a core: wait, don't time it.
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcStats.cpuSeconds(busy.pid()) >= 0.2);
        assertThat(ProcStats.cpuSeconds(idle.pid())).isLessThan(0.1);
    }

    @Test
    void treeAndPeakMemoryIncludeChildren() throws Exception {
        // The shell forks two sleepers and waits, like nginx's master with its workers.
        Process parent = start("sleep 60 & sleep 60 & wait");
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcStats.tree(parent.pid()).size() == 3);
        long parentOnly = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + parent.pid() + "/status"))
                .stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).sum();
        assertThat(ProcStats.peakRssKib(parent.pid())).isGreaterThan(parentOnly);
    }
}
