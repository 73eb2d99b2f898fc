package io.fogline.bench.cascade;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the deferral curve as a PNG: accuracy against the share escalated on the left, mean and p99 latency against it
 * on the right, with the two models alone as reference lines. Plain Java2D, so the figure needs nothing beyond the JDK.
 */
final class DeferralChart {

    private static final int PANEL_WIDTH = 520;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final Color CASCADE = new Color(0x1f77b4);
    private static final Color BIG = new Color(0xd62728);
    private static final Color EDGE = new Color(0x2ca02c);
    private static final Stroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);

    private DeferralChart() {}

    static void draw(CascadeBenchmark.Result result, Path file) throws IOException {
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            List<Measurement> sweep = result.sweep();
            double maxEscalated = Math.max(
                    0.05,
                    sweep.stream().mapToDouble(Measurement::escalated).max().orElse(1));
            accuracyPanel(g, result, maxEscalated);
            g.translate(PANEL_WIDTH, 0);
            latencyPanel(g, result, maxEscalated);
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void accuracyPanel(Graphics2D g, CascadeBenchmark.Result result, double maxEscalated) {
        List<Measurement> sweep = result.sweep();
        double low = Math.min(
                result.edgeAlone().accuracy(),
                sweep.stream().mapToDouble(Measurement::accuracy).min().orElse(0));
        double high = Math.max(
                result.bigThroughLink().accuracy(),
                sweep.stream().mapToDouble(Measurement::accuracy).max().orElse(1));
        double pad = Math.max(0.002, (high - low) * 0.15);
        Axes axes = new Axes(0, maxEscalated * 1.05, low - pad, high + pad);
        axes.frame(g, "Accuracy against the share escalated", "share escalated to the parent (%)", "accuracy (%)");
        axes.horizontal(g, result.bigThroughLink().accuracy(), BIG, "big model alone");
        axes.horizontal(g, result.edgeAlone().accuracy(), EDGE, "edge model alone");
        axes.curve(g, sweep, Measurement::accuracy, CASCADE, new BasicStroke(2f), true);
    }

    private static void latencyPanel(Graphics2D g, CascadeBenchmark.Result result, double maxEscalated) {
        List<Measurement> sweep = result.sweep();
        double high = Math.max(
                result.bigThroughLink().p99Millis(),
                sweep.stream().mapToDouble(Measurement::p99Millis).max().orElse(1));
        Axes axes = new Axes(0, maxEscalated * 1.05, 0, high * 1.1);
        axes.yPercent = false;
        axes.frame(g, "Latency against the share escalated", "share escalated to the parent (%)", "latency (ms)");
        axes.horizontal(g, result.bigThroughLink().meanMillis(), BIG, "big model alone over the link, mean");
        axes.horizontal(g, CascadeReport.MEAN_MILLIS_TARGET, Color.GRAY, "target mean");
        axes.curve(g, sweep, Measurement::meanMillis, CASCADE, new BasicStroke(2f), false);
        axes.curve(g, sweep, Measurement::p99Millis, CASCADE, DASHED, false);
        g.setColor(CASCADE);
        g.drawString("cascade: mean (solid), p99 (dashed)", LEFT + 10, TOP + 16);
    }

    /** One panel's coordinate system. */
    private static final class Axes {
        final double xMin;
        final double xMax;
        final double yMin;
        final double yMax;
        boolean yPercent = true;

        Axes(double xMin, double xMax, double yMin, double yMax) {
            this.xMin = xMin;
            this.xMax = xMax;
            this.yMin = yMin;
            this.yMax = yMax;
        }

        int x(double value) {
            return (int) Math.round(LEFT + (value - xMin) / (xMax - xMin) * (PANEL_WIDTH - LEFT - RIGHT));
        }

        int y(double value) {
            return (int) Math.round(HEIGHT - BOTTOM - (value - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM));
        }

        void frame(Graphics2D g, String title, String xLabel, String yLabel) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, TOP - 16);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawRect(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
            for (int i = 0; i <= 5; i++) {
                double xv = xMin + (xMax - xMin) * i / 5;
                double yv = yMin + (yMax - yMin) * i / 5;
                g.setColor(new Color(0xeeeeee));
                g.drawLine(x(xv), TOP + 1, x(xv), HEIGHT - BOTTOM - 1);
                g.drawLine(LEFT + 1, y(yv), PANEL_WIDTH - RIGHT - 1, y(yv));
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.0f", xv * 100), x(xv) - 8, HEIGHT - BOTTOM + 16);
                String yText = yPercent
                        ? String.format(Locale.ROOT, "%.1f", yv * 100)
                        : String.format(Locale.ROOT, "%.0f", yv);
                g.drawString(yText, LEFT - 8 - g.getFontMetrics().stringWidth(yText), y(yv) + 4);
            }
            g.drawString(
                    xLabel,
                    LEFT + (PANEL_WIDTH - LEFT - RIGHT) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2,
                    HEIGHT - BOTTOM + 36);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + (HEIGHT - TOP - BOTTOM) / 2) - 30, 18);
            rotated.dispose();
        }

        void horizontal(Graphics2D g, double value, Color color, String label) {
            if (value < yMin || value > yMax) {
                return;
            }
            Stroke previous = g.getStroke();
            g.setColor(color);
            g.setStroke(DASHED);
            g.drawLine(LEFT, y(value), PANEL_WIDTH - RIGHT, y(value));
            g.setStroke(previous);
            g.drawString(label, PANEL_WIDTH - RIGHT - 6 - g.getFontMetrics().stringWidth(label), y(value) - 4);
        }

        void curve(
                Graphics2D g,
                List<Measurement> points,
                ToDoubleFunction<Measurement> value,
                Color color,
                Stroke stroke,
                boolean labelThresholds) {
            List<Measurement> ordered = points.stream()
                    .sorted((a, b) -> Double.compare(a.escalated(), b.escalated()))
                    .toList();
            Stroke previous = g.getStroke();
            g.setColor(color);
            g.setStroke(stroke);
            for (int i = 1; i < ordered.size(); i++) {
                g.drawLine(
                        x(ordered.get(i - 1).escalated()),
                        y(value.applyAsDouble(ordered.get(i - 1))),
                        x(ordered.get(i).escalated()),
                        y(value.applyAsDouble(ordered.get(i))));
            }
            g.setStroke(previous);
            for (Measurement point : ordered) {
                int px = x(point.escalated());
                int py = y(value.applyAsDouble(point));
                g.fillOval(px - 3, py - 3, 7, 7);
                if (labelThresholds) {
                    g.drawString(String.format(Locale.ROOT, "%.2f", point.threshold()), px + 5, py + 14);
                }
            }
        }
    }
}
