package io.fogline.cli;

import io.fogline.bench.loop.LoopBenchmark;
import io.fogline.bench.loop.LoopOptions;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline bench loop}: the field loop, escalation rate and live accuracy before and after federated rounds. */
@Command(
        name = "loop",
        mixinStandardHelpOptions = true,
        description = {
            "Start a parent node, a control plane and one edge node per site, each site seeing a shifted input mix;"
                    + " send requests and ground truth, run a federated job on what the nodes' label stores"
                    + " collected (ground truth and the parent's answers to escalations), roll the result out, and"
                    + " send fresh requests: write the escalation rate and live accuracy per site before and after,"
                    + " as a table and a PNG."
        })
final class LoopBenchCommand implements Callable<Integer> {

    @Option(names = "--sites", defaultValue = "4", description = "Edge nodes, one per site (default ${DEFAULT-VALUE}).")
    int sites;

    @Option(
            names = "--requests",
            defaultValue = "500",
            description = "Requests per site before the job, and again after it (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--feedback-share",
            defaultValue = "0.5",
            description = "Share of answers whose client sends ground truth (default ${DEFAULT-VALUE}).")
    double feedbackShare;

    @Option(
            names = "--escalate-below",
            defaultValue = "0.7",
            description =
                    "The edge model escalates when its top class probability is below (default ${DEFAULT-VALUE}).")
    double escalateBelow;

    @Option(names = "--rounds", defaultValue = "5", description = "Federated rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--local-epochs",
            defaultValue = "5",
            description = "Passes over a node's examples per round (default ${DEFAULT-VALUE}).")
    int localEpochs;

    @Option(
            names = "--learning-rate",
            defaultValue = "0.02",
            description = "Local SGD learning rate (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of training and traffic (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--calibrate",
            description = "Each node calibrates the escalation threshold of the version the job publishes on its own"
                    + " ground truth (CalibrationOptions.defaults), instead of serving the bundle's.")
    boolean calibrate;

    @Option(
            names = "--data",
            description = "Fashion-MNIST directory (default: Debian's /usr/share/datasets/fashion-mnist, else the user"
                    + " cache, where it is fetched when absent).")
    Path data;

    @Option(
            names = "--work",
            defaultValue = "target/bench-loop",
            description = "Node and control plane data of the run, replaced each run (default ${DEFAULT-VALUE}).")
    Path work;

    @Option(
            names = "--report",
            defaultValue = "docs/benchmarks.md",
            converter = ReportFileConverter.class,
            description = "Markdown file whose section this run rewrites (default ${DEFAULT-VALUE}; none: no report"
                    + " file).")
    Path report;

    @Option(
            names = "--section",
            defaultValue = "## The field loop: learning from ground truth and escalations (issue 14)",
            description = "Heading of the report's section this run rewrites (default ${DEFAULT-VALUE}).")
    String section;

    @Option(names = "--chart", defaultValue = "docs/loop.png", description = "PNG to draw (default ${DEFAULT-VALUE}).")
    Path chart;

    @Override
    public Integer call() throws Exception {
        LoopOptions options;
        try {
            options = new LoopOptions(
                    Datasets.fromEnvironment()
                            .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                            .directory(),
                    sites,
                    requests,
                    feedbackShare,
                    escalateBelow,
                    rounds,
                    localEpochs,
                    learningRate,
                    seed,
                    calibrate,
                    work,
                    report,
                    section,
                    chart);
        } catch (IllegalArgumentException e) {
            System.err.println("fogline: " + e.getMessage());
            return 2;
        }
        LoopBenchmark.run(options, LearnFederatedModels::new, System.out);
        return 0;
    }
}
