package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlotsTest {

    /** Written under target/ so a person can look at it after the build. */
    private static final Path DIR = Path.of("target", "plots-test");

    private static Histogram constant(double ms, long count) {
        Histogram h = WorkerStats.newHistogram();
        h.recordValueWithCount((long) (ms * 1e6), count);
        return h;
    }

    @Test
    void latencyCurvesOfDifferentSubjectsAreDrawnAtTheirLatencies() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(DIR);
        Path png = DIR.resolve("latency.png");
        // Two subjects with constant latencies a decade apart: 0.1 ms and 10 ms.
        Plots.latencyCurve("two constant subjects", List.of(
                new Plots.Series("fast", constant(0.1, 10_000)), new Plots.Series("slow", constant(10, 10_000))), png);

        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(Plots.WIDTH);
        // The axis spans the two decades 0.1..10 ms: the slow curve runs along the top of the plot
        // area and the fast one along the bottom. Look for each series' colour in the middle column.
        int x = Plots.LEFT + (Plots.WIDTH - Plots.LEFT - Plots.RIGHT) / 2;
        int plotBottom = Plots.HEIGHT - Plots.BOTTOM;
        assertThat(rowsWithColour(img, x, Plots.PALETTE[0].getRGB())).as("fast (0.1 ms)").isNotEmpty()
                .allSatisfy(y -> assertThat(y).isBetween(plotBottom - 3, plotBottom + 1));
        assertThat(rowsWithColour(img, x, Plots.PALETTE[1].getRGB())).as("slow (10 ms)")
                .isNotEmpty().allSatisfy(y -> assertThat(y).isBetween(Plots.TOP - 1, Plots.TOP + 3));
    }

    private static List<Integer> rowsWithColour(BufferedImage img, int x, int argb) {
        List<Integer> rows = new java.util.ArrayList<>();
        for (int y = 0; y < img.getHeight(); y++) {
            if (img.getRGB(x, y) == argb) {
                rows.add(y);
            }
        }
        return rows;
    }

    @Test
    void throughputBarsAreAsTallAsTheirMeans() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(DIR);
        Path png = DIR.resolve("throughput.png");
        Plots.throughputBars("two subjects", "requests/s",
                List.of(new Plots.Bar("a", 1000, 900, 1100), new Plots.Bar("b", 500, 500, 500)), png);

        BufferedImage img = ImageIO.read(png.toFile());
        int plotH = Plots.HEIGHT - Plots.TOP - Plots.BOTTOM;
        int baseline = Plots.TOP + plotH;
        int slot = (Plots.WIDTH - Plots.LEFT - Plots.RIGHT) / 2;
        // The axis tops at a round number above the tallest whisker (1,100 x 1.1 -> 1,500); bar b is a third of it.
        int barBTop = baseline - (int) Math.round(plotH * 500 / 1500.0);
        int xb = Plots.LEFT + slot + slot / 2 - 20;
        assertThat(img.getRGB(xb, barBTop + 3) & 0xffffff).isNotEqualTo(0xffffff);
        assertThat(img.getRGB(xb, barBTop - 3) & 0xffffff).isEqualTo(0xffffff);
    }
}
