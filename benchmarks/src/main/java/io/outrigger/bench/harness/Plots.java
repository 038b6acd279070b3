package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The report's PNGs, drawn with Java2D so that producing them needs nothing but the JDK: a latency
 * percentile curve (HdrHistogram style: the x axis stretches the tail, 90% / 99% / 99.9% equally
 * spaced) and a throughput bar chart with the spread across repetitions.
 */
final class Plots {

    static final int WIDTH = 1000;
    static final int HEIGHT = 560;
    static final int LEFT = 90;
    static final int RIGHT = 230;
    static final int TOP = 50;
    static final int BOTTOM = 60;
    static final Color[] PALETTE = {
        new Color(0x33, 0x33, 0x33), new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28),
        new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd), new Color(0xff, 0x7f, 0x0e)};

    /** One curve: a subject's label and its latency histogram (nanoseconds). */
    record Series(String label, Histogram latency) {
    }

    /** One bar: mean with the minimum and maximum over repetitions. */
    record Bar(String label, double mean, double min, double max) {
    }

    private Plots() {
    }

    static void latencyCurve(String title, List<Series> series, Path png) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        long maxCount = series.stream().mapToLong(s -> s.latency().getTotalCount()).max().orElse(1);
        // Show as deep a tail as the data supports: with N samples, percentile 1 - 1/N is the last meaningful one.
        double xMax = Math.max(1, Math.min(5, Math.floor(Math.log10(Math.max(10, maxCount)))));
        // Log scale: the median (sub-millisecond on loopback) and a stall's tail (hundreds of ms)
        // both stay readable. Decades from below the fastest sample to above the slowest.
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Series s : series) {
            if (s.latency().getTotalCount() > 0) {
                lo = Math.min(lo, s.latency().getMinValue() / 1e6);
                hi = Math.max(hi, valueAt(s.latency(), xMax) / 1e6);
            }
        }
        // Histogram values are exact to 0.1 %: 1 % of slack keeps 0.1 ms from opening the 0.01 decade.
        int decadeLo = (int) Math.floor(Math.log10(Math.max(1e-3, lo == Double.MAX_VALUE ? 0.1 : lo * 1.01)));
        int decadeHi = Math.max(decadeLo + 1, (int) Math.ceil(Math.log10(Math.max(1e-3, hi / 1.01))));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        axes(g, plotW, plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= (int) xMax; i++) {
            int x = LEFT + (int) Math.round(plotW * i / xMax);
            gridLine(g, x, TOP, x, TOP + plotH);
            String label = i == 0 ? "0%" : percentLabel(100 - 100 / Math.pow(10, i));
            g.setColor(Color.DARK_GRAY);
            centered(g, label, x, TOP + plotH + 18);
        }
        int decades = decadeHi - decadeLo;
        for (int dcd = decadeLo; dcd <= decadeHi; dcd++) {
            int y = TOP + plotH - (int) Math.round(plotH * (dcd - decadeLo) / (double) decades);
            gridLine(g, LEFT, y, LEFT + plotW, y);
            String label = dcd >= 0 ? String.format(Locale.ROOT, "%,.0f", Math.pow(10, dcd))
                    : String.format(Locale.ROOT, "%." + (-dcd) + "f", Math.pow(10, dcd));
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.DARK_GRAY);
        centered(g, "percentile", LEFT + plotW / 2, HEIGHT - 15);
        verticalLabel(g, "latency (ms, log scale)", 22, TOP + plotH / 2);
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            if (s.latency().getTotalCount() == 0) {
                continue;
            }
            Path2D.Double path = new Path2D.Double();
            int steps = 400;
            for (int i = 0; i <= steps; i++) {
                double xv = xMax * i / steps;
                double ms = valueAt(s.latency(), xv) / 1e6;
                double x = LEFT + plotW * xv / xMax;
                double pos = (Math.log10(Math.max(ms, Math.pow(10, decadeLo))) - decadeLo) / decades;
                double y = TOP + plotH - plotH * Math.min(1.0, pos);
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            g.setColor(PALETTE[si % PALETTE.length]);
            g.setStroke(new BasicStroke(2.2f));
            g.draw(path);
        }
        legend(g, series.stream().map(Series::label).toList(), plotW);
        write(g, img, png);
    }

    static void throughputBars(String title, String unit, List<Bar> bars, Path png) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double yMax = niceCeiling(bars.stream().mapToDouble(b -> Math.max(b.max(), b.mean())).max().orElse(1) * 1.1);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        axes(g, plotW, plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double v = yMax * i / 5;
            int y = TOP + plotH - (int) Math.round(plotH * i / 5.0);
            gridLine(g, LEFT, y, LEFT + plotW, y);
            String label = String.format(Locale.ROOT, yMax >= 10 ? "%,.0f" : "%.2f", v);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        verticalLabel(g, unit, 22, TOP + plotH / 2);
        int n = Math.max(1, bars.size());
        int slot = plotW / n;
        int barW = Math.min(120, slot * 3 / 5);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int cx = LEFT + slot * i + slot / 2;
            int h = (int) Math.round(plotH * b.mean() / yMax);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(cx - barW / 2, TOP + plotH - h, barW, h);
            // Whisker: the spread across repetitions.
            int yMin = TOP + plotH - (int) Math.round(plotH * b.min() / yMax);
            int yTop = TOP + plotH - (int) Math.round(plotH * b.max() / yMax);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.drawLine(cx, yMin, cx, yTop);
            g.drawLine(cx - 8, yMin, cx + 8, yMin);
            g.drawLine(cx - 8, yTop, cx + 8, yTop);
            String v = String.format(Locale.ROOT, b.mean() >= 100 ? "%,.0f" : "%.1f", b.mean());
            centered(g, v, cx, Math.min(yTop, TOP + plotH - h) - 6);
            g.setColor(Color.DARK_GRAY);
            // The axis shows the subject's name; the legend carries any note in parentheses.
            int paren = b.label().indexOf(" (");
            String label = paren > 0 ? b.label().substring(0, paren) + " *" : b.label();
            centered(g, label, cx, TOP + plotH + 18);
        }
        legend(g, bars.stream().map(Bar::label).toList(), plotW);
        write(g, img, png);
    }

    /** Latency at x on the stretched axis, where x = log10(1 / (1 - percentile)). */
    private static long valueAt(Histogram h, double x) {
        double pct = 100.0 * (1 - Math.pow(10, -x));
        return h.getValueAtPercentile(Math.min(100.0, pct));
    }

    private static String percentLabel(double pct) {
        String s = String.format(Locale.ROOT, "%.4f", pct).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }

    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        return g;
    }

    private static void axes(Graphics2D g, int plotW, int plotH) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
    }

    private static void gridLine(Graphics2D g, int x1, int y1, int x2, int y2) {
        g.setColor(new Color(0xe4, 0xe4, 0xe4));
        g.setStroke(new BasicStroke(1f));
        g.drawLine(x1, y1, x2, y2);
    }

    private static void legend(Graphics2D g, List<String> labels, int plotW) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = LEFT + plotW + 20;
        int y = TOP + 10;
        for (int i = 0; i < labels.size(); i++) {
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(x, y + i * 52 - 10, 14, 14);
            g.setColor(Color.BLACK);
            drawWrapped(g, labels.get(i), x + 20, y + i * 52 + 2, RIGHT - 45);
        }
    }

    private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
        FontMetrics fm = g.getFontMetrics();
        StringBuilder line = new StringBuilder();
        int dy = 0;
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && fm.stringWidth(line + " " + word) > width) {
                g.drawString(line.toString(), x, y + dy);
                dy += fm.getHeight();
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        g.drawString(line.toString(), x, y + dy);
    }

    private static void centered(Graphics2D g, String s, int cx, int y) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, y);
    }

    private static void verticalLabel(Graphics2D g, String s, int x, int cy) {
        Graphics2D r = (Graphics2D) g.create();
        r.setColor(Color.DARK_GRAY);
        r.rotate(-Math.PI / 2, x, cy);
        r.drawString(s, x - r.getFontMetrics().stringWidth(s) / 2, cy);
        r.dispose();
    }

    private static void write(Graphics2D g, BufferedImage img, Path png) throws IOException {
        g.dispose();
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JDK, cannot write " + png);
        }
    }
}
