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

/** Writes a run as a section of docs/benchmarks.md ("Cascade (issue 4)" unless told), replacing an earlier run's. */
final class CascadeReport {

    static final double MEAN_MILLIS_TARGET = 25;

    private CascadeReport() {}

    static void write(CascadeOptions options, CascadeBenchmark.Result result) throws IOException {
        ReportSection.write(options.report(), options.section(), section(options, result));
    }

    private static final String CSV_HEADER =
            "setup,threshold,answered_at_edge,accuracy,mean_ms,p50_ms,p99_ms,requests,degraded\n";

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
        lines.add(options.section());
        lines.add("");
        lines.add(String.format(
                Locale.ROOT,
                "`./fogline bench cascade`: an edge node serves %s with a routing section that escalates to a parent"
                        + " node serving %s when %s is below the threshold; the parent is reached through a proxy"
                        + " that holds each request %d ms, the round trip to a fog or cloud tier. Both models were"
                        + " made by `learn` from Fashion-MNIST's training set; each row sends the same %d test images"
                        + " (a seeded sample of the 10,000), %d clients at a time, binary tensors, over HTTP on"
                        + " 127.0.0.1. Nodes run in their own JVMs, started by the `./fogline` launcher. Latency is"
                        + " the client's, from send to decoded answer.",
                describe(options.edgeModel()),
                describe(options.bigModel()),
                options.rule() == CascadeOptions.Rule.MARGIN
                        ? "the top class probability's lead over the second"
                        : "the top class probability",
                options.delay().toMillis(),
                big.requests(),
                options.concurrency()));
        lines.add("");
        lines.add("| setup | " + options.rule().key()
                + " | answered at the edge | accuracy | mean ms | p50 ms | p99 ms |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|");
        for (Measurement peer : List.of(big, result.bigNoDelay(), result.edgeAlone())) {
            lines.add(row(peer));
        }
        for (Measurement point : result.sweep()) {
            lines.add(row(point));
        }
        lines.add("");
        lines.add(verdict(result, options.target()));
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

    /** A model trained by the run, or the one given, with what its file says it is. */
    private static String describe(CascadeOptions.ModelChoice choice) {
        if (choice.file() == null) {
            return String.format(Locale.ROOT, "`%s` (%d epochs)", choice.spec(), choice.epochs());
        }
        return String.format(Locale.ROOT, "`%s` (%s)", choice.file().getFileName(), choice.spec());
    }

    /** Which swept thresholds meet the target, and the best of them, or the nearest miss. */
    static String verdict(CascadeBenchmark.Result result, CascadeOptions.Target target) {
        double bigAccuracy = result.bigThroughLink().accuracy();
        double accuracyNeeded = bigAccuracy - target.pointsBelowParent() / 100 - 1e-9;
        String asked = String.format(
                Locale.ROOT,
                "accuracy ≥ %s%.2f%%, ≥ %.0f%% answered at the edge, mean < %.0f ms",
                target.pointsBelowParent() == 0
                        ? "the big model's "
                        : String.format(
                                Locale.ROOT,
                                "the big model's %.2f%% − %.1f = ",
                                bigAccuracy * 100,
                                target.pointsBelowParent()),
                (bigAccuracy - target.pointsBelowParent() / 100) * 100,
                target.edgeShare() * 100,
                MEAN_MILLIS_TARGET);
        Measurement best = null;
        for (Measurement point : result.sweep()) {
            boolean meets = point.accuracy() >= accuracyNeeded
                    && 1 - point.escalated() >= target.edgeShare()
                    && point.meanMillis() < MEAN_MILLIS_TARGET;
            if (meets && (best == null || point.accuracy() > best.accuracy())) {
                best = point;
            }
        }
        if (best != null) {
            return String.format(
                    Locale.ROOT,
                    "**Target met** (%s): at threshold %.3f the cascade reaches %.2f%% with %.1f%% answered at the"
                            + " edge and a mean of %.2f ms, against %.2f ms for the big model alone over the link.",
                    asked,
                    best.threshold(),
                    best.accuracy() * 100,
                    (1 - best.escalated()) * 100,
                    best.meanMillis(),
                    result.bigThroughLink().meanMillis());
        }
        Measurement closest = result.sweep().stream()
                .filter(point -> 1 - point.escalated() >= target.edgeShare())
                .max((a, b) -> Double.compare(a.accuracy(), b.accuracy()))
                .orElse(result.sweep().getFirst());
        return String.format(
                Locale.ROOT,
                "**Target not met** (%s): the best row with at least %.0f%% at the edge, threshold %.3f, reaches"
                        + " %.2f%% with %.1f%% answered at the edge and a mean of %.2f ms.",
                asked,
                target.edgeShare() * 100,
                closest.threshold(),
                closest.accuracy() * 100,
                (1 - closest.escalated()) * 100,
                closest.meanMillis());
    }
}
