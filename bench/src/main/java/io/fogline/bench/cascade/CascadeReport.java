package io.fogline.bench.cascade;

import io.fogline.bench.report.ReportSection;
import io.fogline.bench.serving.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a run as the "Cascade (issue 4)" section of docs/benchmarks.md, replacing the section of an earlier run. */
final class CascadeReport {

    static final String SECTION = "## Cascade (issue 4)";

    /** The target: at least the big model's accuracy, 85 % answered at the edge, a mean under 25 ms. */
    static final double EDGE_SHARE_TARGET = 0.85;

    static final double MEAN_MILLIS_TARGET = 25;

    private CascadeReport() {}

    static void write(CascadeOptions options, CascadeBenchmark.Result result) throws IOException {
        ReportSection.write(options.report(), SECTION, section(options, result));
    }

    private static final String CSV_HEADER =
            "setup,max_probability_below,answered_at_edge,accuracy,mean_ms,p50_ms,p99_ms,requests,degraded\n";

    /** Starts the CSV file of rows afresh, with its header. */
    static void startRows(Path rows) throws IOException {
        Files.writeString(rows, CSV_HEADER, StandardCharsets.UTF_8);
    }

    /** Appends one measurement to the CSV file of rows, at once, so that a run cut short keeps what it measured. */
    static void appendRow(Path rows, Measurement m) throws IOException {
        Files.writeString(
                rows,
                String.format(
                        Locale.ROOT,
                        "\"%s\",%s,%.4f,%.4f,%.3f,%.3f,%.3f,%d,%d%n",
                        m.setup().replace("\"", "\"\""),
                        Double.isNaN(m.threshold()) ? "" : String.format(Locale.ROOT, "%.3f", m.threshold()),
                        1 - m.escalated(),
                        m.accuracy(),
                        m.meanMillis(),
                        m.p50Millis(),
                        m.p99Millis(),
                        m.requests(),
                        m.degraded()),
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    private static String section(CascadeOptions options, CascadeBenchmark.Result result) {
        Machine machine = result.machine();
        Measurement big = result.bigThroughLink();
        List<String> lines = new ArrayList<>();
        lines.add(SECTION);
        lines.add("");
        lines.add(String.format(
                Locale.ROOT,
                "`./fogline bench cascade`: an edge node serves `%s` (%d epochs) with a routing section that escalates"
                        + " to a parent node serving `%s` (%d epochs) when the top class probability is below the"
                        + " threshold; the parent is reached through a proxy that holds each request %d ms, the"
                        + " round trip to a fog or cloud tier. Both models were trained by `learn` on Fashion-MNIST's"
                        + " training set; each row sends the same %d test images (a seeded sample of the 10,000), %d"
                        + " clients at a time, binary tensors, over HTTP on 127.0.0.1. Nodes run in their own JVMs,"
                        + " started by the `./fogline` launcher. Latency is the client's, from send to decoded answer.",
                options.edgeModel().spec(),
                options.edgeModel().epochs(),
                options.bigModel().spec(),
                options.bigModel().epochs(),
                options.delay().toMillis(),
                big.requests(),
                options.concurrency()));
        lines.add("");
        lines.add("| setup | max_probability_below | answered at the edge | accuracy | mean ms | p50 ms | p99 ms |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|");
        for (Measurement peer : List.of(big, result.bigNoDelay(), result.edgeAlone())) {
            lines.add(row(peer));
        }
        for (Measurement point : result.sweep()) {
            lines.add(row(point));
        }
        lines.add("");
        lines.add(verdict(result));
        lines.add("");
        lines.add("![Deferral curve: accuracy and latency against the share escalated]("
                + options.chart().getFileName() + ")");
        lines.add("");
        lines.add(String.format(
                Locale.ROOT,
                "Measured %s at commit `%s` on %d cores (`nproc`), CPU %s, %s; load average at start `%s`%s.",
                machine.date(),
                machine.commit(),
                machine.cpus(),
                machine.cpuModel(),
                machine.jdk(),
                machine.loadAverageAtStart(),
                Machine.oneMinuteLoad() > 1.0 ? " (other work shared the cores: latencies carry its noise)" : ""));
        return String.join("\n", lines) + "\n";
    }

    private static String row(Measurement m) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %.1f%% | %.2f%% | %.2f | %.2f | %.2f |",
                m.setup(),
                Double.isNaN(m.threshold()) ? "–" : String.format(Locale.ROOT, "%.3f", m.threshold()),
                (1 - m.escalated()) * 100,
                m.accuracy() * 100,
                m.meanMillis(),
                m.p50Millis(),
                m.p99Millis());
    }

    /** Which swept thresholds meet the target, and the best of them, or the nearest miss. */
    private static String verdict(CascadeBenchmark.Result result) {
        double bigAccuracy = result.bigThroughLink().accuracy();
        Measurement best = null;
        for (Measurement point : result.sweep()) {
            boolean meets = point.accuracy() >= bigAccuracy
                    && 1 - point.escalated() >= EDGE_SHARE_TARGET
                    && point.meanMillis() < MEAN_MILLIS_TARGET;
            if (meets && (best == null || point.accuracy() > best.accuracy())) {
                best = point;
            }
        }
        if (best != null) {
            return String.format(
                    Locale.ROOT,
                    "**Target met** (accuracy ≥ the big model's %.2f%%, ≥ 85%% answered at the edge, mean < 25 ms):"
                            + " at threshold %.3f the cascade reaches %.2f%% with %.1f%% answered at the edge and a"
                            + " mean of %.2f ms, against %.2f ms for the big model alone over the link.",
                    bigAccuracy * 100,
                    best.threshold(),
                    best.accuracy() * 100,
                    (1 - best.escalated()) * 100,
                    best.meanMillis(),
                    result.bigThroughLink().meanMillis());
        }
        Measurement closest = result.sweep().stream()
                .filter(point -> 1 - point.escalated() >= EDGE_SHARE_TARGET)
                .max((a, b) -> Double.compare(a.accuracy(), b.accuracy()))
                .orElse(result.sweep().getFirst());
        return String.format(
                Locale.ROOT,
                "**Target not met** (accuracy ≥ the big model's %.2f%%, ≥ 85%% answered at the edge, mean < 25 ms):"
                        + " the best row with at least 85%% at the edge, threshold %.3f, reaches %.2f%% with %.1f%%"
                        + " answered at the edge and a mean of %.2f ms.",
                bigAccuracy * 100,
                closest.threshold(),
                closest.accuracy() * 100,
                (1 - closest.escalated()) * 100,
                closest.meanMillis());
    }
}
