package io.fogline.bench.federated;

import io.fogline.bench.report.ReportSection;
import io.fogline.bench.serving.Machine;
import io.fogline.core.federated.UpdateEncoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes what a run measured so far as its section of docs/benchmarks.md ("Federated learning (issue 13)" unless
 * named otherwise), replacing the section of an earlier run; rewritten after every finished run, so an interrupted
 * benchmark keeps its rows.
 */
final class FederatedReport {

    private FederatedReport() {}

    static void write(FederatedOptions options, ResultsFile.Merged merged) throws IOException {
        String heading = "## " + options.section();
        ReportSection.write(options.report(), heading, section(heading, options, merged));
    }

    private static String section(String heading, FederatedOptions options, ResultsFile.Merged merged) {
        FederatedBenchmark.Results results = merged.results();
        FederatedSimulation.Setup setup = options.setup();
        List<String> lines = new ArrayList<>();
        lines.add(heading);
        lines.add("");
        lines.add(String.format(
                Locale.ROOT,
                "`./fogline bench federated --scenarios %s`: %d clients train `%s` on Fashion-MNIST's 60,000"
                        + " training images, dealt to them by the scenario's partition; every client takes part in"
                        + " each of %d rounds with %d local epoch(s) of %s (learning rate %s%s, momentum %s, batches of"
                        + " %d); the server steps with `%s`%s. Each client is `learn`'s `FederatedClient` with"
                        + " `ErrorFeedback`; its body goes through `core`'s `UpdateCodec` into `federated`'s"
                        + " `RoundIntake`, %s and the strategy's `AggregationPlan`: the code a node and a control plane"
                        + " run, without the HTTP between them. Accuracy is the global model's on the 10,000 test"
                        + " images after each round. Bad clients (%d%% of them, chosen from the seed %d) train honestly"
                        + " and then flip their labels, or send their update sign-flipped and scaled, or noise of that"
                        + " length.",
                String.join(",", merged.scenarios()),
                setup.clients(),
                setup.model(),
                setup.rounds(),
                setup.local().localEpochs(),
                setup.local().optimizer(),
                setup.local().learningRate(),
                setup.cosineDecay() ? " on a cosine over the rounds" : "",
                setup.local().momentum(),
                setup.local().batchSize(),
                setup.serverOptimizer(),
                setup.serverOptimizer().equals("sgd") ? " (plain FedAvg: the global model plus the aggregate)" : "",
                setup.normScreen() > 0
                        ? "the norm screen (refusing norms above " + setup.normScreen() + "× the round's median)"
                        : "no norm screen",
                Math.round(options.attackFraction() * 100),
                setup.seed()));
        lines.add("");
        List<String> targets = targets(options, results);
        if (!targets.isEmpty()) {
            lines.add("| target | measured | met |");
            lines.add("|---|---|---|");
            lines.addAll(targets);
            lines.add("");
        }
        if (!results.runs().isEmpty()) {
            lines.add("| scenario | strategy | encoding | final accuracy | best | vs central | upload per round |"
                    + " refused (all rounds) | time |");
            lines.add("|---|---|---|---:|---:|---:|---:|---|---:|");
            for (RunResult run : results.runs()) {
                lines.add(row(run, results.central()));
            }
            lines.add("");
        }
        Optional<String> compression = compression(results.runs());
        compression.ifPresent(table -> {
            lines.add(table);
            lines.add("");
        });
        if (results.memory() != null) {
            lines.addAll(memory(results.memory()));
            lines.add("");
        }
        if (!results.runs().isEmpty()) {
            lines.add("![Test accuracy per round, per scenario and strategy]("
                    + options.chart().getFileName() + ")");
            lines.add("");
        }
        Machine machine = results.machine();
        lines.add(String.format(
                Locale.ROOT,
                "Measured %s at commit `%s` on %d cores (`nproc`), CPU %s, %s, heap limit %.1f GiB; load average at"
                        + " start `%s`, at the last write `%s`%s.",
                merged.invocations() > 1
                        ? "from " + machine.date() + " by " + merged.invocations() + " invocations with `--append` (the"
                                + " scenarios above split between them, the same commit and settings)"
                        : machine.date(),
                machine.commit(),
                machine.cpus(),
                machine.cpuModel(),
                machine.jdk(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30),
                machine.loadAverageAtStart(),
                merged.lastLoad(),
                Machine.oneMinuteLoad() > machine.cpus()
                        ? " (other work shared the cores: times carry its noise, accuracies do not)"
                        : ""));
        return String.join("\n", lines) + "\n";
    }

    private static List<String> targets(FederatedOptions options, FederatedBenchmark.Results results) {
        List<String> rows = new ArrayList<>();
        FederatedBenchmark.Central central = results.central();
        Optional<RunResult> iid = find(results.runs(), "IID", "fedavg", true);
        if (iid.isPresent() && central != null) {
            double gap = (central.finalAccuracy() - iid.get().finalAccuracy()) * 100;
            rows.add(String.format(
                    Locale.ROOT,
                    "| IID, %d clients, FedAvg: within 1 point of central training (%.2f%%) | %.2f%% (%+.2f points) |"
                            + " %s |",
                    options.setup().clients(),
                    central.finalAccuracy() * 100,
                    iid.get().finalAccuracy() * 100,
                    -gap,
                    met(gap <= 1)));
        }
        for (RunResult run : results.runs()) {
            String scenario = run.experiment().scenario();
            boolean plain = run.experiment().encoding() instanceof UpdateEncoding.Fp32;
            if (scenario.equals("#C=2") && plain) {
                rows.add(threshold(
                        "#C=2 label skew, " + run.experiment().strategy() + ": ≥ 81% (Flower's NIID-Bench"
                                + " reproduction: FedAvg 78.1%, CNN)",
                        run,
                        0.81));
            }
            if (scenario.equals("Dirichlet(0.5)") && plain) {
                rows.add(threshold(
                        "Dirichlet(0.5), " + run.experiment().strategy() + ": ≥ 88% (NIID-Bench"
                                + " reproduction: 88.1%)",
                        run,
                        0.88));
            }
        }
        Optional<RunResult> clean =
                iid.isPresent() ? iid : find(results.runs(), "IID, compressed updates", "fedavg", true);
        for (RunResult run : results.runs()) {
            String scenario = run.experiment().scenario();
            if (!scenario.contains("sign flipping")) {
                continue;
            }
            String strategy = run.experiment().strategy().toString();
            if (strategy.equals("fedavg")) {
                boolean collapsed =
                        clean.isPresent() && run.finalAccuracy() < clean.get().finalAccuracy() - 0.2;
                rows.add(String.format(
                        Locale.ROOT,
                        "| %s: FedAvg collapses | %.2f%% | %s |",
                        scenario,
                        run.finalAccuracy() * 100,
                        clean.isEmpty() ? "– (no clean run)" : met(collapsed)));
            } else if (clean.isPresent()) {
                double gap = (clean.get().finalAccuracy() - run.finalAccuracy()) * 100;
                rows.add(String.format(
                        Locale.ROOT,
                        "| %s, %s: within 2 points of the clean run (%.2f%%) | %.2f%% (%+.2f points) | %s |",
                        scenario,
                        strategy,
                        clean.get().finalAccuracy() * 100,
                        run.finalAccuracy() * 100,
                        -gap,
                        met(gap <= 2)));
            }
        }
        return rows;
    }

    private static String threshold(String target, RunResult run, double bound) {
        return String.format(
                Locale.ROOT,
                "| %s | %.2f%% | %s |",
                target,
                run.finalAccuracy() * 100,
                met(run.finalAccuracy() >= bound));
    }

    private static Optional<String> compression(List<RunResult> runs) {
        Optional<RunResult> reference = runs.stream()
                .filter(run -> run.experiment().attack() instanceof Attack.None
                        && run.experiment().partition().kind().equals("iid")
                        && run.experiment().strategy().toString().equals("fedavg")
                        && run.experiment().encoding() instanceof UpdateEncoding.Fp32)
                .findFirst();
        List<RunResult> compressed = runs.stream()
                .filter(run -> !(run.experiment().encoding() instanceof UpdateEncoding.Fp32))
                .toList();
        if (reference.isEmpty() || compressed.isEmpty()) {
            return Optional.empty();
        }
        RunResult fp32 = reference.get();
        List<String> lines = new ArrayList<>();
        lines.add("Upload per round against FP32 updates (error feedback on the clients for the lossy encodings):");
        lines.add("");
        lines.add("| encoding | upload per round | per client | vs FP32 | final accuracy | accuracy cost |");
        lines.add("|---|---:|---:|---:|---:|---:|");
        List<RunResult> all = new ArrayList<>();
        all.add(fp32);
        all.addAll(compressed);
        for (RunResult run : all) {
            long bytes = run.uploadBytesPerRound();
            lines.add(String.format(
                    Locale.ROOT,
                    "| %s | %.2f MB | %.1f kB | %.1f%% | %.2f%% | %+.2f points |",
                    run.experiment().encoding(),
                    bytes / 1e6,
                    bytes / 1e3 / run.rounds().getFirst().accepted(),
                    100.0 * bytes / fp32.uploadBytesPerRound(),
                    run.finalAccuracy() * 100,
                    (run.finalAccuracy() - fp32.finalAccuracy()) * 100));
        }
        return Optional.of(String.join("\n", lines));
    }

    private static List<String> memory(AggregationMemory.Result memory) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "Aggregating %,d real updates of the %,d-parameter model (each from a client that trained one epoch on"
                        + " %d images), stored in a file and read by range as a control plane reads its stored"
                        + " updates; holding them all would take %.0f MB. Heap is what the aggregating thread allocated"
                        + " while the rule ran (each rule is single-threaded and allocates its buffers once, so this"
                        + " bounds its peak from above, whenever the collector runs); the JVM's heap limit was %.1f GiB."
                        + " Training and storing the updates took %.0f s.",
                memory.updates(),
                memory.dimension(),
                memory.examplesPerClient(),
                memory.allUpdatesBytes() / 1e6,
                memory.heapMax() / (double) (1L << 30),
                memory.generateSeconds()));
        lines.add("");
        lines.add("| rule | time | heap | of all updates held |");
        lines.add("|---|---:|---:|---:|");
        for (AggregationMemory.Row row : memory.rows()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "| `%s` | %.1f s | %.1f MB | %.1f%% |",
                    row.rule(),
                    row.seconds(),
                    row.heapBytes() / 1e6,
                    100.0 * row.heapBytes() / memory.allUpdatesBytes()));
        }
        return lines;
    }

    private static String row(RunResult run, FederatedBenchmark.Central central) {
        Experiment experiment = run.experiment();
        String refused = refusedSummary(run);
        return String.format(
                Locale.ROOT,
                "| %s | `%s` | %s | %.2f%% | %.2f%% | %s | %.2f MB | %s | %.0f s |",
                experiment.scenario(),
                experiment.strategy(),
                experiment.encoding(),
                run.finalAccuracy() * 100,
                run.bestAccuracy() * 100,
                central == null
                        ? "–"
                        : String.format(Locale.ROOT, "%+.2f", (run.finalAccuracy() - central.finalAccuracy()) * 100),
                run.uploadBytesPerRound() / 1e6,
                refused,
                run.seconds());
    }

    /** The refusals of every round added up by reason, e.g. {@code norm_outlier 40}. */
    private static String refusedSummary(RunResult run) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (RoundRecord record : run.rounds()) {
            if (record.refusals().equals("none")) {
                continue;
            }
            for (String part : record.refusals().split(", ")) {
                int space = part.lastIndexOf(' ');
                byReason.merge(part.substring(0, space), Long.parseLong(part.substring(space + 1)), Long::sum);
            }
        }
        List<String> parts = new ArrayList<>();
        byReason.forEach((reason, count) -> parts.add(reason + " " + count));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static Optional<RunResult> find(List<RunResult> runs, String scenario, String strategy, boolean fp32) {
        return runs.stream()
                .filter(run -> run.experiment().scenario().equals(scenario)
                        && run.experiment().strategy().toString().equals(strategy)
                        && (!fp32 || run.experiment().encoding() instanceof UpdateEncoding.Fp32))
                .findFirst();
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }
}
