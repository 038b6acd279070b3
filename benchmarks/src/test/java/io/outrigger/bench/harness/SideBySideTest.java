package io.outrigger.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** One real, short side-by-side run: real HAProxy and nginx processes in front of the real backend. */
@Timeout(120)
class SideBySideTest {

    @TempDir
    Path out;

    private static boolean installed(String binary) {
        return !MachineInfo.command("sh", "-c", "command -v " + binary).isEmpty();
    }

    @Test
    void mutualTlsScenarioTerminatesTlsInEveryNativeProxy() throws Exception {
        assumeTrue(installed("haproxy") && installed("nginx")
                        && Files.exists(Path.of("/usr/lib/nginx/modules/ngx_stream_module.so")),
                "haproxy and nginx (with its stream module) are needed (benchmarks/bin/side-by-side installs them)");

        int exit = new CommandLine(new SideBySide()).execute("--scenario", "tcp-rr-1k-mtls",
                "--subjects", "direct,haproxy,nginx", "--reps", "1", "--duration", "1s", "--warmup", "500ms",
                "--repo", "..", "--out", out.toString());

        assertThat(exit).isZero();
        Path csv;
        try (Stream<Path> files = Files.list(out)) {
            csv = files.filter(p -> p.getFileName().toString().endsWith("-tcp-rr-1k-mtls.csv")).findFirst().orElseThrow();
        }
        // Every subject completed requests with no errors: the handshakes with the dev CA's identities succeeded.
        List<String> rows = Files.readAllLines(csv).subList(1, 4);
        assertThat(rows).extracting(r -> r.split(",")[1]).containsExactly("direct", "haproxy", "nginx");
        for (String row : rows) {
            String[] f = row.split(",");
            assertThat(Double.parseDouble(f[3])).as(row).isPositive();
            assertThat(f[12]).as(row).isEqualTo("0");
        }
    }

    @Test
    void writesAReportWithEverySubjectRatiosAndReadablePlots() throws Exception {
        List<String> subjects = new ArrayList<>(List.of("direct"));
        if (installed("haproxy")) {
            subjects.add("haproxy");
        }
        if (installed("nginx") && Files.exists(Path.of("/usr/lib/nginx/modules/ngx_stream_module.so"))) {
            subjects.add("nginx");
        }
        assumeTrue(subjects.size() > 1, "neither haproxy nor nginx is installed (benchmarks/bin/side-by-side installs them)");

        int exit = new CommandLine(new SideBySide()).execute("--scenario", "tcp-rr-1k-closed",
                "--subjects", String.join(",", subjects), "--reps", "2", "--duration", "1s", "--warmup", "500ms",
                "--repo", "..", "--out", out.toString());

        assertThat(exit).isZero();
        Path md;
        try (Stream<Path> files = Files.list(out)) {
            md = files.filter(p -> p.getFileName().toString().endsWith("-tcp-rr-1k-closed.md")).findFirst().orElseThrow();
        }
        String report = Files.readString(md);
        for (String s : subjects) {
            // Each subject has a row with its measured throughput, and each proxy a ratio row.
            assertThat(report).containsPattern("\\n\\| " + s + " \\| [0-9,]+ \\(");
        }
        assertThat(report).contains("req/s vs direct").contains("req/s vs HAProxy")
                .contains("| cores | " + Runtime.getRuntime().availableProcessors() + " |")
                .contains("2 interleaved repetitions");
        assertThat(report).doesNotContain("Not run");
        assertThat(Files.readString(out.resolve(md.getFileName().toString().replace(".md", ".csv"))).lines())
                .hasSize(1 + subjects.size());
        for (String suffix : List.of("-latency.png", "-throughput.png")) {
            Path png = out.resolve(md.getFileName().toString().replace(".md", suffix));
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img.getWidth()).isEqualTo(Plots.WIDTH);
            assertThat(img.getHeight()).isEqualTo(Plots.HEIGHT);
        }
    }
}
