package io.fogline.cli;

import io.fogline.bench.serving.ServingBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline bench serving}: the node against raw ONNX Runtime, over HTTP and gRPC, batching on and off. */
@Command(
        name = "serving",
        mixinStandardHelpOptions = true,
        description = {
            "Start a node on a tiny MLP and MiniLM and measure it against raw ONNX Runtime in this process (and a peer"
                    + " server, if given), over binary HTTP, JSON and gRPC at 1, 16 and 64 clients, with dynamic"
                    + " batching on and off, telemetry on and off, and the node's start to ready; print each figure as it is measured and"
                    + " the results as Markdown."
        })
final class ServingBenchCommand implements Callable<Integer> {

    @Option(
            names = "--scenarios",
            defaultValue = "overhead,batching,telemetry,startup",
            description = "What to measure, of overhead, batching, telemetry (a node enrolled to a control plane"
                    + " against one that is not), startup (default ${DEFAULT-VALUE}).")
    String scenarios;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description = "Seconds of warm-up before each window (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(
            names = "--measure",
            defaultValue = "4",
            description = "Seconds each window measures (default ${DEFAULT-VALUE}).")
    double measure;

    @Option(
            names = "--repetitions",
            defaultValue = "3",
            description = "Rounds of every row group; each figure is the median (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(
            names = "--peer-url",
            description = "Another Open Inference Protocol server (Triton, KServe, a Fogline node) serving the"
                    + " benchmark's models 'mlp' and 'minilm', e.g. http://127.0.0.1:9000, measured beside the node.")
    String peerUrl;

    @Option(
            names = "--report",
            converter = ReportFileConverter.class,
            description = "Markdown file whose serving section is rewritten, e.g. docs/benchmarks.md (default, or"
                    + " none: print only).")
    Path report;

    @Option(
            names = "--launcher",
            description = "The fogline launcher that starts the node (default: the one running this command).")
    Path launcher;

    @Option(
            names = "--baseline-launcher",
            description = "The fogline launcher of another build (before a change, say): the telemetry scenario"
                    + " measures its node beside this build's, telemetry off, in the same windows.")
    Path baselineLauncher;

    @Override
    public Integer call() throws Exception {
        Path nodeLauncher = launcher != null ? launcher : CascadeBenchCommand.defaultLauncher();
        if (nodeLauncher == null) {
            throw UserError.usage("cannot tell where the fogline launcher is; pass --launcher");
        }
        if (warmup < 0 || measure <= 0 || repetitions < 1) {
            throw UserError.usage(
                    "--warmup must not be negative, --measure must be positive, --repetitions at least 1");
        }
        ServingBenchmark.Settings settings;
        try {
            var chosen = ServingBenchmark.Settings.scenarios(scenarios);
            if (chosen.contains(ServingBenchmark.Scenario.CODEC)) {
                throw UserError.usage("the codec micro-benchmarks need JMH, which this jar leaves out:"
                        + " run bench/run-serving.sh --scenarios codec");
            }
            settings = new ServingBenchmark.Settings(
                    chosen,
                    ServingBenchmark.Settings.seconds(warmup),
                    ServingBenchmark.Settings.seconds(measure),
                    repetitions,
                    nodeLauncher,
                    report,
                    null,
                    peerUrl == null ? null : ServingBenchmark.Settings.peer(peerUrl),
                    baselineLauncher);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
        ServingBenchmark.execute(settings);
        return 0;
    }
}
