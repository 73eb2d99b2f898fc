package io.fogline.bench.federated;

import io.fogline.bench.serving.Machine;
import io.fogline.core.federated.UpdateEncoding;
import io.fogline.federated.NormScreen;
import io.fogline.federated.ServerOptimizer;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code fogline bench federated}: federated training of a Fashion-MNIST classifier by many clients in one process,
 * split IID, by Dirichlet label proportions and by label shards, with a share of the clients attacking, each robust
 * strategy beside plain FedAvg, compressed updates beside FP32 ones, and a centrally trained model as the peer. Every
 * finished run rewrites the report and the chart, so an interrupted benchmark keeps what it measured.
 */
public final class FederatedBenchmark {

    /** The centrally trained peer: the same model and optimizer, as many passes over the data as a client makes. */
    record Central(List<Double> accuracyPerEpoch, double seconds) {
        double finalAccuracy() {
            return accuracyPerEpoch.getLast();
        }
    }

    /**
     * What one invocation measured so far.
     *
     * @param invocation names this invocation among those that append to one results file: invocations in one process
     *     and one minute share their pid and machine
     */
    record Results(
            String invocation,
            Machine machine,
            Central central,
            List<RunResult> runs,
            AggregationMemory.Result memory) {}

    private FederatedBenchmark() {}

    public static void run(FederatedOptions options, PrintStream out) throws IOException {
        if (options.rewrite()) {
            ResultsFile.rewrite(options, merged -> draw(options, merged));
            out.println(wrote(options));
            return;
        }
        Machine machine = Machine.describe(options.report());
        out.printf(
                "machine: %d cores, %s; load average %s%n",
                machine.cpus(), machine.cpuModel(), machine.loadAverageAtStart());
        Files.createDirectories(options.work());
        TrainTest data = FashionMnist.load(options.dataDirectory());
        List<Experiment> experiments = experiments(options);
        Results results = new Results(UUID.randomUUID().toString(), machine, null, new ArrayList<>(), null);
        if (options.scenarios().contains("central")) {
            results = new Results(results.invocation(), machine, central(options, data, out), results.runs(), null);
            publish(options, results, out);
        }
        Progress progress = new Progress(experiments.size(), options.setup().rounds(), out);
        for (Experiment experiment : experiments) {
            progress.start(experiment);
            RunResult run = FederatedSimulation.run(experiment, options.setup(), data, progress::onRound);
            results.runs().add(run);
            writeCsv(options.work(), run);
            out.printf(
                    Locale.ROOT,
                    "[%s] %s: final accuracy %.2f%%%n",
                    experiment.scenario(),
                    experiment.label(),
                    run.finalAccuracy() * 100);
            publish(options, results, out);
        }
        if (options.scenarios().contains("memory")) {
            AggregationMemory.Result memory = AggregationMemory.run(options, data, out);
            results = new Results(results.invocation(), machine, results.central(), results.runs(), memory);
            publish(options, results, out);
        }
        if (!results.runs().isEmpty()) {
            out.printf(
                    Locale.ROOT,
                    "final accuracy %.2f%%%n",
                    results.runs().getLast().finalAccuracy() * 100);
        }
    }

    /**
     * Parses every strategy, partition, attack and server optimizer, and checks that results to append to are of this
     * commit and these settings, so that a typo fails before any training.
     */
    public static void validate(FederatedOptions options) throws IOException {
        if (options.append() || options.rewrite()) {
            ResultsFile.checkAppendable(
                    options, Machine.describe(options.report()).commit());
        }
        for (Experiment experiment : experiments(options)) {
            experiment.strategy().plan();
        }
        ServerOptimizer.parse(options.setup().serverOptimizer());
        if (options.setup().normScreen() != 0) {
            new NormScreen(options.setup().normScreen());
        }
    }

    /** The runs of the chosen scenarios, in order. */
    static List<Experiment> experiments(FederatedOptions options) {
        int clients = options.setup().clients();
        int byzantine = Math.max(1, (int) Math.round(options.attackFraction() * clients));
        double fraction = options.attackFraction();
        String share = Math.round(fraction * 100) + "%";
        List<String> robust = List.of(
                "fedavg",
                "median",
                "trimmed-mean:" + trimFor(fraction),
                "krum:" + byzantine,
                "multi-krum:" + byzantine + ":" + Math.max(1, clients / 2),
                "fedavg+norm-bound:1");
        UpdateEncoding fp32 = UpdateEncoding.fp32();
        Partition iid = Partition.parse("iid");
        List<Experiment> experiments = new ArrayList<>();
        for (String scenario : options.scenarios()) {
            switch (scenario) {
                case "iid" -> experiments.add(clean("IID", iid, "fedavg", fp32));
                case "shards" -> {
                    Partition shards = Partition.parse("classes:2");
                    experiments.add(clean(shards.label(), shards, "fedavg", fp32));
                    experiments.add(clean(shards.label(), shards, "fedprox:0.01", fp32));
                }
                case "dirichlet" -> {
                    Partition dirichlet = Partition.parse("dirichlet:0.5");
                    experiments.add(clean(dirichlet.label(), dirichlet, "fedavg", fp32));
                    experiments.add(clean(dirichlet.label(), dirichlet, "fedprox:0.01", fp32));
                }
                case "sign-flip", "label-flip", "gaussian" -> {
                    Attack attack = Attack.parse(
                            switch (scenario) {
                                case "sign-flip" -> "sign-flip:" + options.signFlipScale();
                                case "gaussian" -> "gaussian:" + options.signFlipScale();
                                default -> "label-flip";
                            });
                    String name = "IID, " + share + " " + attack.label();
                    List<String> strategies = scenario.equals("sign-flip")
                            ? robust
                            : List.of(robust.get(0), robust.get(1), robust.get(2), robust.get(4));
                    for (String strategy : strategies) {
                        experiments.add(new Experiment(name, iid, attack, fraction, Strategy.parse(strategy), fp32));
                    }
                }
                case "compression" -> {
                    if (!options.scenarios().contains("iid")) {
                        experiments.add(clean("IID, compressed updates", iid, "fedavg", fp32));
                    }
                    for (String encoding : List.of("int8", "topk:0.1", "topk:0.01")) {
                        experiments.add(
                                clean("IID, compressed updates", iid, "fedavg", UpdateEncoding.parse(encoding)));
                    }
                }
                case "custom" -> {
                    FederatedOptions.Custom custom = options.custom();
                    Partition partition = Partition.parse(custom.partition());
                    Attack attack = Attack.parse(custom.attack());
                    String name = partition.label()
                            + (attack instanceof Attack.None ? "" : ", " + share + " " + attack.label());
                    for (String strategy : custom.strategies()) {
                        for (UpdateEncoding encoding : custom.encodings()) {
                            experiments.add(new Experiment(
                                    name,
                                    partition,
                                    attack,
                                    attack instanceof Attack.None ? 0 : fraction,
                                    Strategy.parse(strategy),
                                    encoding));
                        }
                    }
                }
                default -> {
                    // central and memory are not federated runs
                }
            }
        }
        return experiments;
    }

    /** A trimmed share that removes at least as many values from each end as there are attackers. */
    private static double trimFor(double fraction) {
        return Math.min(0.45, Math.max(0.1, fraction));
    }

    private static Experiment clean(String scenario, Partition partition, String strategy, UpdateEncoding encoding) {
        return new Experiment(scenario, partition, Attack.parse("none"), 0, Strategy.parse(strategy), encoding);
    }

    private static Central central(FederatedOptions options, TrainTest data, PrintStream out) {
        FederatedSimulation.Setup setup = options.setup();
        int epochs = setup.rounds() * setup.local().localEpochs();
        TrainingConfig config = new TrainingConfig(
                epochs,
                setup.local().batchSize(),
                setup.local().optimizer(),
                setup.local().learningRate(),
                setup.local().momentum(),
                0,
                setup.cosineDecay() ? TrainingConfig.Schedule.COSINE : TrainingConfig.Schedule.CONSTANT,
                setup.seed());
        Network network =
                setup.model().build(data.train().sampleShape(), data.train().classCount(), setup.seed());
        List<Double> accuracies = new ArrayList<>();
        out.printf(
                "[central] %s on all %d training images, %d epochs%n",
                setup.model(), data.train().size(), epochs);
        long start = System.nanoTime();
        new Trainer(config).fit(network, data.train(), data.test(), report -> {
            accuracies.add(report.validationAccuracy());
            out.printf(
                    Locale.ROOT,
                    "[central] epoch %2d/%d  accuracy %.2f%%  %.1f s%n",
                    report.epoch(),
                    report.epochs(),
                    report.validationAccuracy() * 100,
                    report.duration().toNanos() / 1e9);
        });
        double accuracy = Evaluation.accuracy(network, data.test());
        out.printf(Locale.ROOT, "[central] final accuracy %.2f%%%n", accuracy * 100);
        return new Central(accuracies, (System.nanoTime() - start) / 1e9);
    }

    private static void publish(FederatedOptions options, Results results, PrintStream out) throws IOException {
        ResultsFile.merge(options, results, options.append(), merged -> draw(options, merged));
        out.println(wrote(options));
    }

    private static String wrote(FederatedOptions options) {
        return options.report() == null
                ? "wrote " + options.chart()
                : "wrote " + options.report() + " and " + options.chart();
    }

    private static void draw(FederatedOptions options, ResultsFile.Merged merged) throws IOException {
        FederatedChart.draw(merged.results(), options.chart());
        FederatedReport.write(options, merged);
    }

    private static void writeCsv(Path work, RunResult run) throws IOException {
        Experiment experiment = run.experiment();
        String name = (experiment.scenario() + "-" + experiment.label())
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9.]+", "-");
        List<String> lines = new ArrayList<>();
        lines.add("round,accuracy,upload_bytes,accepted,refusals,seconds");
        for (RoundRecord record : run.rounds()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%d,%.4f,%d,%d,%s,%.2f",
                    record.round(),
                    record.accuracy(),
                    record.uploadBytes(),
                    record.accepted(),
                    record.refusals().replace(',', ';'),
                    record.seconds()));
        }
        Files.write(work.resolve(name + ".csv"), lines, StandardCharsets.UTF_8);
    }

    /** One line per round, with how far the whole benchmark has come and how long it still needs. */
    private static final class Progress {
        private final int runs;
        private final int rounds;
        private final PrintStream out;
        private int run;
        private int roundsDone;
        private double secondsSoFar;

        Progress(int runs, int rounds, PrintStream out) {
            this.runs = runs;
            this.rounds = rounds;
            this.out = out;
        }

        void start(Experiment experiment) {
            run++;
            out.printf("[%s] %s: run %d of %d%n", experiment.scenario(), experiment.label(), run, runs);
        }

        void onRound(Experiment experiment, RoundRecord record) {
            roundsDone++;
            secondsSoFar += record.seconds();
            double left = secondsSoFar / roundsDone * ((long) runs * rounds - roundsDone);
            out.printf(
                    Locale.ROOT,
                    "[%s] %s  round %2d/%d  accuracy %.2f%%  upload %.2f MB  accepted %d  refused: %s  %.1f s"
                            + "  (about %d min left)%n",
                    experiment.scenario(),
                    experiment.label(),
                    record.round(),
                    rounds,
                    record.accuracy() * 100,
                    record.uploadBytes() / 1e6,
                    record.accepted(),
                    record.refusals(),
                    record.seconds(),
                    Math.round(left / 60));
        }
    }
}
