package io.fogline.bench.federated;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws test accuracy per round as a PNG: one panel per scenario, one line per strategy or encoding, the centrally
 * trained peer as a dashed line. Plain Java2D, in the style of the cascade's deferral chart.
 */
final class FederatedChart {

    private static final int PANEL_WIDTH = 520;
    private static final int PLOT_HEIGHT = 300;
    private static final int COLUMNS = 3;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int AXIS_LABELS = 50;
    private static final int LEGEND_LINE = 15;
    private static final double[] STEPS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2};
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
    };
    private static final Stroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);

    private FederatedChart() {}

    static void draw(FederatedBenchmark.Results results, Path file) throws IOException {
        Map<String, List<RunResult>> byScenario = new LinkedHashMap<>();
        for (RunResult run : results.runs()) {
            byScenario
                    .computeIfAbsent(run.experiment().scenario(), scenario -> new ArrayList<>())
                    .add(run);
        }
        if (byScenario.isEmpty()) {
            return;
        }
        int columns = Math.min(COLUMNS, byScenario.size());
        int rows = (byScenario.size() + columns - 1) / columns;
        int legendLines =
                1 + byScenario.values().stream().mapToInt(List::size).max().orElse(0);
        int panelHeight = TOP + PLOT_HEIGHT + AXIS_LABELS + legendLines * LEGEND_LINE + 10;
        BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, rows * panelHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            int k = 0;
            for (Map.Entry<String, List<RunResult>> scenario : byScenario.entrySet()) {
                Graphics2D panel = (Graphics2D) g.create();
                panel.translate((k % columns) * PANEL_WIDTH, (k / columns) * panelHeight);
                panel(panel, scenario.getKey(), scenario.getValue(), results.central());
                panel.dispose();
                k++;
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, String scenario, List<RunResult> runs, FederatedBenchmark.Central central) {
        int rounds = runs.stream().mapToInt(run -> run.rounds().size()).max().orElse(1);
        double low = runs.stream()
                .flatMap(run -> run.rounds().stream())
                .mapToDouble(RoundRecord::accuracy)
                .min()
                .orElse(0);
        double high = runs.stream()
                .flatMap(run -> run.rounds().stream())
                .mapToDouble(RoundRecord::accuracy)
                .max()
                .orElse(1);
        if (central != null) {
            high = Math.max(high, central.finalAccuracy());
        }
        double step = STEPS[STEPS.length - 1];
        for (double candidate : STEPS) {
            if ((high - low) / candidate <= 5) {
                step = candidate;
                break;
            }
        }
        double yMin = Math.max(0, Math.floor(low / step) * step);
        double yMax = Math.min(1, Math.max(yMin + step, Math.ceil(high / step) * step));
        Axes axes = new Axes(1, Math.max(2, rounds), yMin, yMax, step);
        axes.frame(g, scenario, "round", "test accuracy (%)");
        List<String> legend = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        if (central != null) {
            Stroke previous = g.getStroke();
            g.setColor(Color.GRAY);
            g.setStroke(DASHED);
            g.drawLine(LEFT, axes.y(central.finalAccuracy()), PANEL_WIDTH - RIGHT, axes.y(central.finalAccuracy()));
            g.setStroke(previous);
            legend.add(String.format(Locale.ROOT, "central training, %.2f%%", central.finalAccuracy() * 100));
            colors.add(Color.GRAY);
        }
        for (int r = 0; r < runs.size(); r++) {
            RunResult run = runs.get(r);
            Color color = PALETTE[r % PALETTE.length];
            g.setColor(color);
            Stroke previous = g.getStroke();
            g.setStroke(new BasicStroke(2f));
            List<RoundRecord> records = run.rounds();
            for (int i = 1; i < records.size(); i++) {
                g.drawLine(
                        axes.x(records.get(i - 1).round()),
                        axes.y(records.get(i - 1).accuracy()),
                        axes.x(records.get(i).round()),
                        axes.y(records.get(i).accuracy()));
            }
            g.setStroke(previous);
            legend.add(String.format(Locale.ROOT, "%s, %.2f%%", run.experiment().label(), run.finalAccuracy() * 100));
            colors.add(color);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int y = TOP + PLOT_HEIGHT + AXIS_LABELS;
        for (int i = 0; i < legend.size(); i++) {
            g.setColor(colors.get(i));
            g.fillRect(LEFT, y + LEGEND_LINE * i - 5, 16, 3);
            g.setColor(Color.BLACK);
            g.drawString(legend.get(i), LEFT + 22, y + LEGEND_LINE * i);
        }
    }

    /** One panel's coordinate system. */
    private record Axes(double xMin, double xMax, double yMin, double yMax, double yStep) {

        int x(double value) {
            return (int) Math.round(LEFT + (value - xMin) / (xMax - xMin) * (PANEL_WIDTH - LEFT - RIGHT));
        }

        int y(double value) {
            return (int) Math.round(TOP + PLOT_HEIGHT - (value - yMin) / (yMax - yMin) * PLOT_HEIGHT);
        }

        void frame(Graphics2D g, String title, String xLabel, String yLabel) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, TOP - 16);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawRect(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, PLOT_HEIGHT);
            int xStep = (int) Math.max(1, Math.ceil((xMax - xMin) / 5));
            for (int round = (int) xMin; round <= xMax; round += xStep) {
                g.setColor(new Color(0xeeeeee));
                g.drawLine(x(round), TOP + 1, x(round), TOP + PLOT_HEIGHT - 1);
                g.setColor(Color.BLACK);
                g.drawString(Integer.toString(round), x(round) - 6, TOP + PLOT_HEIGHT + 16);
            }
            for (double yv = yMin; yv <= yMax + yStep / 2; yv += yStep) {
                g.setColor(new Color(0xeeeeee));
                g.drawLine(LEFT + 1, y(yv), PANEL_WIDTH - RIGHT - 1, y(yv));
                g.setColor(Color.BLACK);
                String yText = String.format(Locale.ROOT, yStep < 0.01 ? "%.1f" : "%.0f", yv * 100);
                g.drawString(yText, LEFT - 8 - g.getFontMetrics().stringWidth(yText), y(yv) + 4);
            }
            g.drawString(
                    xLabel,
                    LEFT + (PANEL_WIDTH - LEFT - RIGHT) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2,
                    TOP + PLOT_HEIGHT + 34);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + PLOT_HEIGHT / 2) - 40, 16);
            rotated.dispose();
        }
    }
}
