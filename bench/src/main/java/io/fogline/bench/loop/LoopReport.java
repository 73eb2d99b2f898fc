package io.fogline.bench.loop;

import io.fogline.bench.report.Chart;
import io.fogline.bench.report.ReportSection;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The loop's section of docs/benchmarks.md and its figure: escalation rate and live accuracy per site, before/after. */
final class LoopReport {

    private static final int PANEL_WIDTH = 520;
    private static final int HEIGHT = 410;
    private static final int LEFT = 60;
    private static final int TOP = 50;
    /** Room under the bars for the sites' names and the two-line legend. */
    private static final int BOTTOM = 80;

    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    private static final Color BEFORE = new Color(0xa0a0a0);
    private static final Color AFTER = Chart.PALETTE.get(0);

    private LoopReport() {}

    static void write(LoopBenchmark.Result result) throws IOException {
        LoopOptions options = result.options();
        draw(result, options.chart());
        ReportSection.write(options.report(), options.section(), markdown(result));
    }

    static String markdown(LoopBenchmark.Result result) {
        LoopOptions o = result.options();
        LoopBenchmark.Phase before = result.fleet(false);
        LoopBenchmark.Phase after = result.fleet(true);
        StringBuilder md = new StringBuilder();
        md.append(o.section()).append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "`fogline bench loop --sites %d --requests %d --feedback-share %s --escalate-below %s --rounds %d"
                        + " --local-epochs %d --learning-rate %s --seed %d%s`, run under `nice -n 10`. Machine: %d"
                        + " cores (%s), %s, %s; commit %s; %s; load average %s at the start, %s at the end.\n\n",
                o.sites(),
                o.requests(),
                o.feedbackShare(),
                o.escalateBelow(),
                o.rounds(),
                o.localEpochs(),
                o.learningRate(),
                o.seed(),
                o.calibrate() ? " --calibrate" : "",
                result.machine().cpus(),
                result.machine().cpuModel(),
                result.machine().memory(),
                result.machine().jdk(),
                result.machine().commit(),
                result.machine().date(),
                result.machine().loadAverageAtStart(),
                result.loadAtEnd()));
        md.append(String.format(
                Locale.ROOT,
                "Real nodes in one process: a parent node serving an MLP (test accuracy %.2f%%), %d edge nodes each"
                        + " with its real label store, enrolled to a real control plane (SQLite) over HTTP. The edge"
                        + " model (a softmax, test accuracy %.2f%%) comes from a lab that saw all of classes 0-4 and"
                        + " one image in 25 of classes 5-9; it escalates to the parent when its top probability is"
                        + " below %s. Each site sees 70%% of its images from three home classes (two of 5-9, one of"
                        + " 0-4) and the rest from all ten, drawn from 35,000 training images no model was trained"
                        + " on. Phase *before*: %d requests per site with ids, ground truth sent for a share %s of"
                        + " them (`POST /v2/models/edge/feedback`); escalated answers leave the parent's answer as a"
                        + " teacher label. Then a federated job (`POST /api/v1/federated/jobs`, FedAvg, %d rounds of"
                        + " %d local epochs) trains version 1 on what each node's label store holds, publishes the"
                        + " result and rolls it out (%d s from the job's start to every site serving it). Phase"
                        + " *after*: %d fresh requests per site (images the rounds never saw), the same share of"
                        + " ground truth. Escalation rate: the answers whose `fogline_tier` is not `local`. Live"
                        + " accuracy: the node's own count of ground truth answered right for the version that"
                        + " answered (`LabelStore.counts`, the figure its telemetry sends), answers the parent gave"
                        + " included. Edge model alone: each version's own accuracy on the site's after-phase images, every answer its own (the"
                        + " model files the node serves, evaluated in process).%s\n\n",
                result.parentAccuracy() * 100,
                o.sites(),
                result.edgeAccuracy() * 100,
                o.escalateBelow(),
                o.requests(),
                o.feedbackShare(),
                o.rounds(),
                o.localEpochs(),
                result.jobTime().toSeconds(),
                o.requests(),
                o.calibrate()
                        ? " Threshold after: the `max_probability_below` each node calibrated for the published"
                                + " version before it served it (`CalibrationOptions.defaults()`: within 0.5-0.99,"
                                + " on the 40% of its ground truth that the rounds left out, against the parent's"
                                + " answers to the same inputs where it gave them, else its accuracy on the ground"
                                + " truth it answered); examples trained on leave that 40% out."
                        : " Threshold after: the bundle's, unchanged."));
        md.append("| site | home classes | examples trained on | escalation rate before | after |"
                + " live accuracy before | after | edge model alone before | after | threshold after |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (LoopBenchmark.Site site : result.sites()) {
            md.append(row(
                    site.name(),
                    Arrays.stream(site.homeClasses())
                            .mapToObj(Integer::toString)
                            .collect(Collectors.joining(", ")),
                    Long.toString(site.examplesTrainedOn()),
                    site.before(),
                    site.after(),
                    site.edgeBefore(),
                    site.edgeAfter(),
                    String.format(Locale.ROOT, "%.3f", site.thresholdAfter())));
        }
        long examples = result.sites().stream()
                .mapToLong(LoopBenchmark.Site::examplesTrainedOn)
                .sum();
        md.append(row(
                "**fleet**",
                "",
                Long.toString(examples),
                before,
                after,
                result.sites().stream()
                        .mapToDouble(LoopBenchmark.Site::edgeBefore)
                        .average()
                        .orElseThrow(),
                result.sites().stream()
                        .mapToDouble(LoopBenchmark.Site::edgeAfter)
                        .average()
                        .orElseThrow(),
                ""));
        md.append("\nThe same sites in process, every image of a phase judged: the parent alone on the before"
                + " phase's images and on the after phase's (how much harder one draw is than the other), and the two"
                + " cascades on the after phase's images, version 1 at the bundle's threshold and the published"
                + " version at the threshold it serves at, each escalating to the parent.\n\n");
        md.append("| site | parent alone, before images | after images | cascade, v1 at the bundle's threshold |"
                + " published version at its threshold |\n|---|---:|---:|---:|---:|\n");
        for (LoopBenchmark.Site site : result.sites()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f%% | %.2f%% | %.2f%% | %.2f%% |\n",
                    site.name(),
                    site.parentBefore() * 100,
                    site.parentAfter() * 100,
                    site.cascadeBefore() * 100,
                    site.cascadeAfter() * 100));
        }
        double cascadeBefore = average(result, LoopBenchmark.Site::cascadeBefore);
        double cascadeAfter = average(result, LoopBenchmark.Site::cascadeAfter);
        md.append(String.format(
                Locale.ROOT,
                "| **fleet** | %.2f%% | %.2f%% | %.2f%% | %.2f%% |\n",
                average(result, LoopBenchmark.Site::parentBefore) * 100,
                average(result, LoopBenchmark.Site::parentAfter) * 100,
                cascadeBefore * 100,
                cascadeAfter * 100));
        md.append("\nEvaluated accuracy of each round's global model on 2,000 test images (all classes, uniform): ")
                .append(result.roundAccuracies().stream()
                        .map(a -> String.format(Locale.ROOT, "%.2f%%", a * 100))
                        .collect(Collectors.joining(", ")))
                .append(String.format(
                        Locale.ROOT, " (version 1: %.2f%% on the full test set).\n\n", result.edgeAccuracy() * 100));
        boolean fewerEscalations = after.escalationRate() < before.escalationRate();
        double edgeBefore = result.sites().stream()
                .mapToDouble(LoopBenchmark.Site::edgeBefore)
                .average()
                .orElseThrow();
        double edgeAfter = result.sites().stream()
                .mapToDouble(LoopBenchmark.Site::edgeAfter)
                .average()
                .orElseThrow();
        md.append("| target | before | after | met |\n|---|---:|---:|---|\n");
        md.append(String.format(
                Locale.ROOT,
                "| the fleet's escalation rate drops | %.1f%% | %.1f%% | %s |\n",
                before.escalationRate() * 100,
                after.escalationRate() * 100,
                fewerEscalations ? "yes" : "no"));
        md.append(accuracyRises("the fleet's live accuracy rises", before.accuracy(), after.accuracy()));
        md.append(accuracyRises("the edge model's own accuracy on its sites' inputs rises", edgeBefore, edgeAfter));
        md.append(accuracyRises(
                        "the cascade's accuracy on the same images rises (in process)", cascadeBefore, cascadeAfter))
                .append('\n');
        md.append("![escalation rate and live accuracy per site, before and after](")
                .append(relative(o.report(), o.chart()))
                .append(")\n");
        return md.toString();
    }

    private static String row(
            String name,
            String home,
            String examples,
            LoopBenchmark.Phase b,
            LoopBenchmark.Phase a,
            double edgeBefore,
            double edgeAfter,
            String thresholdAfter) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.1f%% | %.1f%% | %.2f%% (%d/%d, v%s) | %.2f%% (%d/%d, v%s) | %.2f%% | %.2f%% | %s |\n",
                name,
                home,
                examples,
                b.escalationRate() * 100,
                a.escalationRate() * 100,
                b.accuracy() * 100,
                b.correct(),
                b.groundTruth(),
                b.version(),
                a.accuracy() * 100,
                a.correct(),
                a.groundTruth(),
                a.version(),
                edgeBefore * 100,
                edgeAfter * 100,
                thresholdAfter);
    }

    /** A row of the targets table for an accuracy that should rise. */
    private static String accuracyRises(String target, double before, double after) {
        return String.format(
                Locale.ROOT,
                "| %s | %.2f%% | %.2f%% | %s |\n",
                target,
                before * 100,
                after * 100,
                after > before ? "yes" : "no");
    }

    private static double average(LoopBenchmark.Result result, ToDoubleFunction<LoopBenchmark.Site> figure) {
        return result.sites().stream().mapToDouble(figure).average().orElseThrow();
    }

    private static String relative(Path report, Path chart) {
        Path folder = report == null ? null : report.toAbsolutePath().getParent();
        return folder == null
                ? chart.toString()
                : folder.relativize(chart.toAbsolutePath()).toString();
    }

    static void draw(LoopBenchmark.Result result, Path file) throws IOException {
        List<String> names = new ArrayList<>();
        List<LoopBenchmark.Phase> before = new ArrayList<>();
        List<LoopBenchmark.Phase> after = new ArrayList<>();
        for (LoopBenchmark.Site site : result.sites()) {
            names.add(site.name());
            before.add(site.before());
            after.add(site.after());
        }
        names.add("fleet");
        before.add(result.fleet(false));
        after.add(result.fleet(true));
        Chart.write(file, 2 * PANEL_WIDTH, HEIGHT, g -> {
            panel(g, "Escalation rate", names, before, after, LoopBenchmark.Phase::escalationRate);
            g.translate(PANEL_WIDTH, 0);
            panel(g, "Live accuracy (ground truth)", names, before, after, LoopBenchmark.Phase::accuracy);
        });
    }

    private static void panel(
            Graphics2D g,
            String title,
            List<String> names,
            List<LoopBenchmark.Phase> before,
            List<LoopBenchmark.Phase> after,
            ToDoubleFunction<LoopBenchmark.Phase> figure) {
        Chart.Plot plot = new Chart.Plot(LEFT, TOP, PANEL_WIDTH - LEFT - 20, PLOT_HEIGHT, 0, names.size(), 0, 1);
        plot.frame(g, title);
        for (int tick = 0; tick <= 10; tick += 2) {
            plot.yTick(g, tick / 10.0, tick * 10 + "%");
        }
        int group = plot.x(1) - plot.x(0);
        int bar = group / 3;
        for (int i = 0; i < names.size(); i++) {
            int x = plot.x(i) + group / 6;
            bar(g, plot, x, bar, figure.applyAsDouble(before.get(i)), BEFORE);
            bar(g, plot, x + bar, bar, figure.applyAsDouble(after.get(i)), AFTER);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x, plot.bottom() + 16);
        }
        plot.legend(g, 40, List.of("before the federated job", "after it"), List.of(BEFORE, AFTER));
    }

    private static void bar(Graphics2D g, Chart.Plot plot, int x, int width, double value, Color color) {
        if (Double.isNaN(value)) {
            return;
        }
        int top = plot.y(value);
        g.setColor(color);
        g.fillRect(x, top, width - 2, plot.bottom() - top);
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "%.0f", value * 100), x, top - 3);
    }
}
