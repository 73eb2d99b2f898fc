package io.fogline.bench.cascade;

import io.fogline.bench.report.Chart;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws the deferral curve as a PNG: accuracy against the share escalated on the left, mean and p99 latency against it
 * on the right, with the two models alone as reference lines.
 */
final class DeferralChart {

    private static final int PANEL_WIDTH = 520;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final int TICKS = 5;
    private static final Color CASCADE = Chart.PALETTE.get(0);
    private static final Color BIG = Chart.PALETTE.get(1);
    private static final Color EDGE = Chart.PALETTE.get(2);

    private DeferralChart() {}

    static void draw(CascadeBenchmark.Result result, Path file) throws IOException {
        List<Measurement> sweep = result.sweep().stream()
                .sorted(Comparator.comparingDouble(Measurement::escalated))
                .toList();
        double maxEscalated = Math.max(
                0.05, sweep.stream().mapToDouble(Measurement::escalated).max().orElse(1));
        Chart.write(file, 2 * PANEL_WIDTH, HEIGHT, g -> {
            accuracyPanel(g, result, sweep, maxEscalated);
            g.translate(PANEL_WIDTH, 0);
            latencyPanel(g, result, sweep, maxEscalated);
        });
    }

    private static void accuracyPanel(
            Graphics2D g, CascadeBenchmark.Result result, List<Measurement> sweep, double maxEscalated) {
        double low = Math.min(
                result.edgeAlone().accuracy(),
                sweep.stream().mapToDouble(Measurement::accuracy).min().orElse(0));
        double high = Math.max(
                result.bigThroughLink().accuracy(),
                sweep.stream().mapToDouble(Measurement::accuracy).max().orElse(1));
        double pad = Math.max(0.002, (high - low) * 0.15);
        Chart.Plot plot =
                plot(g, "Accuracy against the share escalated", maxEscalated, low - pad, high + pad, "%.1f", 100);
        plot.axisTitles(g, "share escalated to the parent (%)", "accuracy (%)");
        plot.level(g, result.bigThroughLink().accuracy(), BIG, "big model alone");
        plot.level(g, result.edgeAlone().accuracy(), EDGE, "edge model alone");
        curve(g, plot, sweep, Measurement::accuracy, Chart.SOLID);
        for (Measurement point : sweep) {
            g.drawString(
                    String.format(Locale.ROOT, "%.2f", point.threshold()),
                    plot.x(point.escalated()) + 5,
                    plot.y(point.accuracy()) + 14);
        }
    }

    private static void latencyPanel(
            Graphics2D g, CascadeBenchmark.Result result, List<Measurement> sweep, double maxEscalated) {
        double high = Math.max(
                result.bigThroughLink().p99Millis(),
                sweep.stream().mapToDouble(Measurement::p99Millis).max().orElse(1));
        Chart.Plot plot = plot(g, "Latency against the share escalated", maxEscalated, 0, high * 1.1, "%.0f", 1);
        plot.axisTitles(g, "share escalated to the parent (%)", "latency (ms)");
        plot.level(g, result.bigThroughLink().meanMillis(), BIG, "big model alone over the link, mean");
        plot.level(g, CascadeReport.MEAN_MILLIS_TARGET, Color.GRAY, "target mean");
        curve(g, plot, sweep, Measurement::meanMillis, Chart.SOLID);
        curve(g, plot, sweep, Measurement::p99Millis, Chart.DASHED);
        g.setColor(CASCADE);
        g.drawString("cascade: mean (solid), p99 (dashed)", LEFT + 10, TOP + 16);
    }

    /** A framed panel with five grid steps on each axis, the share escalated in percent along x. */
    private static Chart.Plot plot(
            Graphics2D g, String title, double maxEscalated, double yMin, double yMax, String yFormat, double yScale) {
        Chart.Plot plot = new Chart.Plot(
                LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM, 0, maxEscalated * 1.05, yMin, yMax);
        plot.frame(g, title);
        for (int i = 0; i <= TICKS; i++) {
            double share = plot.xMax() * i / TICKS;
            double y = yMin + (yMax - yMin) * i / TICKS;
            plot.xTick(g, share, String.format(Locale.ROOT, "%.0f", share * 100));
            plot.yTick(g, y, String.format(Locale.ROOT, yFormat, y * yScale));
        }
        return plot;
    }

    /** The cascade's points against the share escalated, joined, each marked with a dot. */
    private static void curve(
            Graphics2D g,
            Chart.Plot plot,
            List<Measurement> sweep,
            ToDoubleFunction<Measurement> value,
            Stroke stroke) {
        double[] shares = sweep.stream().mapToDouble(Measurement::escalated).toArray();
        double[] values = sweep.stream().mapToDouble(value).toArray();
        plot.polyline(g, shares, values, CASCADE, stroke);
        for (int i = 0; i < shares.length; i++) {
            g.fillOval(plot.x(shares[i]) - 3, plot.y(values[i]) - 3, 7, 7);
        }
    }
}
