package io.fogline.cli;

import io.fogline.bench.cascade.CascadeBenchmark;
import io.fogline.bench.cascade.CascadeOptions;
import io.fogline.bench.report.ReportSection;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.learn.export.OnnxImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline bench cascade}: the edge-to-parent confidence cascade on Fashion-MNIST, as a deferral curve. */
@Command(
        name = "cascade",
        mixinStandardHelpOptions = true,
        description = {
            "Train (or reuse) a small edge model and a bigger parent model on Fashion-MNIST, serve them on two nodes"
                    + " joined by a link of fixed delay, sweep the escalation threshold, and write the deferral curve"
                    + " (accuracy, share answered at the edge, mean and p99 latency) as a table and a PNG."
        })
final class CascadeBenchCommand implements Callable<Integer> {

    @Option(
            names = "--edge-model",
            defaultValue = "mlp:256,128",
            description = "Edge model (default ${DEFAULT-VALUE}).")
    String edgeModel;

    @Option(names = "--edge-epochs", defaultValue = "15", description = "Its epochs (default ${DEFAULT-VALUE}).")
    int edgeEpochs;

    @Option(
            names = "--edge-learning-rate",
            defaultValue = "0.001",
            description = "Its learning rate (default ${DEFAULT-VALUE}).")
    double edgeLearningRate;

    @Option(names = "--big-model", defaultValue = "cnn:16,32", description = "Parent model (default ${DEFAULT-VALUE}).")
    String bigModel;

    @Option(names = "--big-epochs", defaultValue = "5", description = "Its epochs (default ${DEFAULT-VALUE}).")
    int bigEpochs;

    @Option(
            names = "--big-learning-rate",
            defaultValue = "0.002",
            description = "Its learning rate (default ${DEFAULT-VALUE}).")
    double bigLearningRate;

    @Option(
            names = "--edge-onnx",
            description = "Serve this ONNX model Fogline wrote at the edge instead of training --edge-model.")
    Path edgeOnnx;

    @Option(
            names = "--big-onnx",
            description = "Serve this ONNX model Fogline wrote as the parent instead of training --big-model.")
    Path bigOnnx;

    @Option(
            names = "--rule",
            defaultValue = "max-probability",
            description = "The edge's escalation rule the thresholds are for: max-probability (escalate when the top"
                    + " class probability is below) or margin (when its lead over the second is below)"
                    + " (default ${DEFAULT-VALUE}).")
    String rule;

    @Option(
            names = "--points-below-parent",
            defaultValue = "0",
            description = "Target: the cascade's accuracy at most this many points below the parent's alone"
                    + " (default ${DEFAULT-VALUE}).")
    double pointsBelowParent;

    @Option(
            names = "--edge-share",
            defaultValue = "0.85",
            description = "Target: at least this share answered at the edge (default ${DEFAULT-VALUE}).")
    double edgeShare;

    @Option(
            names = "--section",
            defaultValue = "Cascade (issue 4)",
            description = "The heading of the report's section this run rewrites (default ${DEFAULT-VALUE}).")
    String section;

    @Option(names = "--seed", defaultValue = "1", description = "Training seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--samples",
            defaultValue = "2000",
            description = "Test images per row, the same for every row (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(
            names = "--concurrency",
            defaultValue = "4",
            description = "Clients sending at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--delay-ms",
            defaultValue = "150",
            description = "Round trip the link to the parent adds (default ${DEFAULT-VALUE}).")
    long delayMs;

    @Option(
            names = "--thresholds",
            split = ",",
            defaultValue = "0.5,0.6,0.65,0.7,0.75,0.8,0.9,0.95,0.99",
            description = "max_probability_below values to sweep (default ${DEFAULT-VALUE}).")
    List<Double> thresholds;

    @Option(
            names = "--work",
            defaultValue = "target/bench-cascade",
            description = "Trained models (kept between runs), repositories and node logs (default ${DEFAULT-VALUE}).")
    Path work;

    @Option(
            names = "--data",
            description = "Fashion-MNIST directory (default: Debian's /usr/share/datasets/fashion-mnist, else the user"
                    + " cache, where it is fetched when absent).")
    Path data;

    @Option(
            names = "--out",
            defaultValue = ".",
            description = "Folder of the results, made when absent: cascade.csv (each row as soon as it is measured),"
                    + " then cascade.md (the table and the verdict) and cascade.png (the deferral curve); default the"
                    + " current folder.")
    Path out;

    @Option(
            names = "--report",
            description = "Markdown file whose cascade section is rewritten instead of <out>/cascade.md, e.g."
                    + " docs/benchmarks.md; none: no report file.")
    String report;

    @Option(names = "--chart", description = "PNG to draw instead of <out>/cascade.png, e.g. docs/cascade.png.")
    Path chart;

    @Option(
            names = "--launcher",
            description = "The fogline launcher that starts the nodes (default: the one running this command).")
    Path launcher;

    @Override
    public Integer call() throws Exception {
        Path nodeLauncher = launcher != null ? launcher : defaultLauncher();
        if (nodeLauncher == null) {
            System.err.println("fogline: cannot tell where the fogline launcher is; pass --launcher");
            return 2;
        }
        if (thresholds.isEmpty() || samples < 1 || concurrency < 1 || delayMs < 0) {
            System.err.println("fogline: --thresholds must name one value or more, --samples and --concurrency must be"
                    + " at least 1, --delay-ms must not be negative");
            return 2;
        }
        CascadeOptions.Rule escalationRule =
                switch (rule) {
                    case "max-probability" -> CascadeOptions.Rule.MAX_PROBABILITY;
                    case "margin" -> CascadeOptions.Rule.MARGIN;
                    default -> throw UserError.usage("--rule is max-probability or margin, not '" + rule + "'");
                };
        if (!(pointsBelowParent >= 0) || !(edgeShare >= 0 && edgeShare <= 1)) {
            throw UserError.usage("--points-below-parent must not be negative and --edge-share must be in [0, 1]");
        }
        // Made before hours of work, so that a folder that cannot be written fails now and not at the end.
        Files.createDirectories(out);
        Path reportFile = report != null ? ReportSection.file(report) : out.resolve("cascade.md");
        Path chartFile = chart != null ? chart : out.resolve("cascade.png");
        for (Path file : Arrays.asList(reportFile, chartFile)) {
            if (file != null && file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
        }
        CascadeOptions options = new CascadeOptions(
                nodeLauncher,
                work.toAbsolutePath(),
                Datasets.fromEnvironment()
                        .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                        .directory(),
                choice(edgeModel, edgeEpochs, edgeLearningRate, edgeOnnx),
                choice(bigModel, bigEpochs, bigLearningRate, bigOnnx),
                samples,
                concurrency,
                Duration.ofMillis(delayMs),
                escalationRule,
                thresholds,
                new CascadeOptions.Target(pointsBelowParent, edgeShare),
                reportFile,
                "## " + section,
                chartFile,
                out.resolve("cascade.csv"));
        CascadeBenchmark.run(options, System.out);
        return 0;
    }

    /** The architecture to train, or the model file to serve as it is, described by what the file says it is. */
    private CascadeOptions.ModelChoice choice(String spec, int epochs, double learningRate, Path file)
            throws IOException {
        if (file == null) {
            return new CascadeOptions.ModelChoice(spec, epochs, learningRate, seed);
        }
        String description = OnnxImporter.readInfo(file).description();
        int end = description.indexOf(';');
        return new CascadeOptions.ModelChoice(end < 0 ? description : description.substring(0, end), 0, 0, seed, file);
    }

    /** The launcher sets FOGLINE_HOME to its own directory. */
    static Path defaultLauncher() {
        String home = System.getenv("FOGLINE_HOME");
        return home == null ? null : Path.of(home, "fogline");
    }
}
