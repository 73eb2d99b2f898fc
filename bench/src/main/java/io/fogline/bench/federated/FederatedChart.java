package io.fogline.bench.federated;

import io.fogline.bench.report.Chart;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws test accuracy per round as a PNG: one panel per scenario, one line per strategy or encoding, the centrally
 * trained peer as a dashed line.
 */
final class FederatedChart {

    private static final int PANEL_WIDTH = 520;
    private static final int PLOT_HEIGHT = 300;
    private static final int COLUMNS = 3;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int AXIS_LABELS = 50;
    private static final double[] STEPS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2};

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
        int panelHeight = TOP + PLOT_HEIGHT + AXIS_LABELS + Chart.legendHeight(legendLines) + 10;
        Chart.write(file, columns * PANEL_WIDTH, rows * panelHeight, g -> {
            int k = 0;
            for (Map.Entry<String, List<RunResult>> scenario : byScenario.entrySet()) {
                Graphics2D panel = (Graphics2D) g.create();
                panel.translate((k % columns) * PANEL_WIDTH, (k / columns) * panelHeight);
                panel(panel, scenario.getKey(), scenario.getValue(), results.central());
                panel.dispose();
                k++;
            }
        });
    }

    private static void panel(Graphics2D g, String scenario, List<RunResult> runs, FederatedBenchmark.Central central) {
        int rounds = Math.max(
                2, runs.stream().mapToInt(run -> run.rounds().size()).max().orElse(1));
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
        Chart.Plot plot = new Chart.Plot(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, PLOT_HEIGHT, 1, rounds, yMin, yMax);
        plot.frame(g, scenario);
        int roundStep = (int) Math.max(1, Math.ceil((rounds - 1) / 5.0));
        for (int round = 1; round <= rounds; round += roundStep) {
            plot.xTick(g, round, Integer.toString(round));
        }
        for (double accuracy = yMin; accuracy <= yMax + step / 2; accuracy += step) {
            plot.yTick(g, accuracy, String.format(Locale.ROOT, step < 0.01 ? "%.1f" : "%.0f", accuracy * 100));
        }
        plot.axisTitles(g, "round", "test accuracy (%)");
        List<String> legend = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        if (central != null) {
            plot.level(g, central.finalAccuracy(), Color.GRAY, null);
            legend.add(String.format(Locale.ROOT, "central training, %.2f%%", central.finalAccuracy() * 100));
            colors.add(Color.GRAY);
        }
        for (int r = 0; r < runs.size(); r++) {
            RunResult run = runs.get(r);
            Color color = Chart.PALETTE.get(r % Chart.PALETTE.size());
            plot.polyline(
                    g,
                    run.rounds().stream().mapToDouble(RoundRecord::round).toArray(),
                    run.rounds().stream().mapToDouble(RoundRecord::accuracy).toArray(),
                    color,
                    Chart.SOLID);
            legend.add(String.format(Locale.ROOT, "%s, %.2f%%", run.experiment().label(), run.finalAccuracy() * 100));
            colors.add(color);
        }
        plot.legend(g, AXIS_LABELS, legend, colors);
    }
}
