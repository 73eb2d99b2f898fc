package io.fogline.bench.federated;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.bench.serving.Machine;
import io.fogline.core.federated.UpdateEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the invocations of {@code fogline bench federated} with {@code --append} measured, kept as {@code results.json}
 * in the work folder, so that runs made by separate invocations (one after the other, or side by side) form one report.
 * Only results of the same commit and the same settings join: a row measured with other code or other settings would
 * not be comparable. The file is locked while an invocation merges into it.
 */
final class ResultsFile {

    static final String NAME = "results.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stored form of a run: its experiment as the texts the options take, and its rounds. */
    record StoredRun(
            String scenario,
            String partition,
            String attack,
            double attackFraction,
            String strategy,
            String encoding,
            double seconds,
            List<RoundRecord> rounds) {

        static StoredRun of(RunResult run) {
            Experiment experiment = run.experiment();
            return new StoredRun(
                    experiment.scenario(),
                    experiment.partition().toString(),
                    experiment.attack().text(),
                    experiment.attackFraction(),
                    experiment.strategy().toString(),
                    experiment.encoding().toString(),
                    run.seconds(),
                    run.rounds());
        }

        RunResult result() {
            return new RunResult(
                    new Experiment(
                            scenario,
                            Partition.parse(partition),
                            Attack.parse(attack),
                            attackFraction,
                            Strategy.parse(strategy),
                            UpdateEncoding.parse(encoding)),
                    rounds,
                    seconds);
        }
    }

    /** One invocation that wrote into the file: its name, and where, at what commit, under what load it began. */
    record Invocation(String id, Machine machine) {}

    /**
     * The file's content.
     *
     * @param settings every setting the runs share, as {@link #settings(FederatedOptions)} writes them
     * @param invocations those that wrote into it, the first first
     * @param lastLoad the load average at the last write
     */
    record Stored(
            String settings,
            List<Invocation> invocations,
            String lastLoad,
            List<String> scenarios,
            FederatedBenchmark.Central central,
            List<StoredRun> runs,
            AggregationMemory.Result memory) {}

    /**
     * What the report shows: every stored result, the scenarios of every invocation, and how many there were.
     *
     * @param results the union, its machine the first invocation's
     */
    record Merged(FederatedBenchmark.Results results, List<String> scenarios, int invocations, String lastLoad) {}

    private ResultsFile() {}

    /** The settings whose every value a run's figures depend on. */
    static String settings(FederatedOptions options) {
        FederatedSimulation.Setup setup = options.setup();
        return String.format(
                Locale.ROOT,
                "model %s, %d clients, %d rounds, local %s, cosine %b, server %s, norm screen %s, seed %d, attackers %s,"
                        + " attack scale %s, memory updates %d",
                setup.model(),
                setup.clients(),
                setup.rounds(),
                setup.local(),
                setup.cosineDecay(),
                setup.serverOptimizer(),
                setup.normScreen(),
                setup.seed(),
                options.attackFraction(),
                options.signFlipScale(),
                options.memoryUpdates());
    }

    /**
     * Refuses, before anything trains, to append to results of another commit or other settings, or to rewrite the
     * report from results of other settings (or from none).
     *
     * @throws IllegalArgumentException naming what differs
     */
    static void checkAppendable(FederatedOptions options, String commit) throws IOException {
        Optional<Stored> found = read(options.work().resolve(NAME));
        if (found.isEmpty() && options.rewrite()) {
            throw new IllegalArgumentException("--rewrite: " + options.work().resolve(NAME) + " does not exist: there"
                    + " are no results to write the report from");
        }
        if (found.isEmpty()) {
            return;
        }
        String stored = found.get().invocations().getFirst().machine().commit();
        if (!stored.equals(commit) && !options.rewrite()) {
            throw new IllegalArgumentException("--append: " + options.work().resolve(NAME) + " holds results of commit "
                    + stored + ", this is " + commit + "; only runs of one commit form a table (remove the"
                    + " file or choose another --work)");
        }
        if (!found.get().settings().equals(settings(options))) {
            throw new IllegalArgumentException("--append: " + options.work().resolve(NAME) + " holds results of other"
                    + " settings (" + found.get().settings() + "); these are " + settings(options));
        }
    }

    /** Writes what the union shows (the report, the chart) while the file is still locked. */
    @FunctionalInterface
    interface Publisher {
        void publish(Merged merged) throws IOException;
    }

    /**
     * Merges this invocation's results into the file (or, without {@code append}, replaces it) and hands the union to
     * {@code publisher} before another invocation may merge, so the last report written shows every stored result: a
     * run of the same scenario, strategy and encoding as a stored one replaces it, and so do a central run and a
     * memory table.
     */
    static void merge(FederatedOptions options, FederatedBenchmark.Results mine, boolean append, Publisher publisher)
            throws IOException {
        Path file = options.work().resolve(NAME);
        try (FileChannel channel = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            Stored empty = new Stored(settings(options), List.of(), "", List.of(), null, List.of(), null);
            Stored old = append ? parse(read(channel)).orElse(empty) : empty;
            Stored merged = combine(old, options, mine);
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(merged);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(bytes), 0);
            publisher.publish(shown(merged));
        }
    }

    /** Hands what the file holds to {@code publisher} again, measuring nothing: for a report whose layout changed. */
    static void rewrite(FederatedOptions options, Publisher publisher) throws IOException {
        Path file = options.work().resolve(NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            Stored stored = parse(read(channel)).orElseThrow();
            List<StoredRun> runs = new ArrayList<>(stored.runs());
            runs.sort(TABLE_ORDER);
            publisher.publish(shown(new Stored(
                    stored.settings(),
                    stored.invocations(),
                    stored.lastLoad(),
                    stored.scenarios(),
                    stored.central(),
                    runs,
                    stored.memory())));
        }
    }

    private static Merged shown(Stored stored) {
        return new Merged(
                new FederatedBenchmark.Results(
                        stored.invocations().getFirst().id(),
                        stored.invocations().getFirst().machine(),
                        stored.central(),
                        new ArrayList<>(
                                stored.runs().stream().map(StoredRun::result).toList()),
                        stored.memory()),
                stored.scenarios(),
                stored.invocations().size(),
                stored.lastLoad());
    }

    private static Stored combine(Stored old, FederatedOptions options, FederatedBenchmark.Results mine) {
        List<StoredRun> runs = new ArrayList<>(old.runs());
        for (RunResult run : mine.runs()) {
            StoredRun fresh = StoredRun.of(run);
            int same = indexOfSameRun(runs, fresh);
            if (same < 0) {
                runs.add(fresh);
            } else {
                runs.set(same, fresh);
            }
        }
        Set<String> scenarios = new LinkedHashSet<>(old.scenarios());
        scenarios.addAll(options.scenarios());
        Invocation current = new Invocation(mine.invocation(), mine.machine());
        List<Invocation> invocations = new ArrayList<>(old.invocations());
        if (!invocations.contains(current)) {
            invocations.add(current);
        }
        runs.sort(TABLE_ORDER);
        return new Stored(
                old.settings(),
                invocations,
                Machine.loadAverage(),
                List.copyOf(scenarios),
                mine.central() != null ? mine.central() : old.central(),
                runs,
                mine.memory() != null ? mine.memory() : old.memory());
    }

    /**
     * The order of the table, whatever order the runs finished in: clean IID runs, the other partitions, compressed
     * updates, then each attack; within a scenario FedAvg first, then the robust rules, larger uploads before smaller.
     */
    static final Comparator<StoredRun> TABLE_ORDER = Comparator.comparingInt(ResultsFile::group)
            .thenComparing(StoredRun::scenario)
            .thenComparingInt(run -> strategyRank(run.strategy()))
            .thenComparingDouble(run -> -shareOfFp32(UpdateEncoding.parse(run.encoding())));

    /** About how much of an FP32 update's bytes an encoding sends. */
    private static double shareOfFp32(UpdateEncoding encoding) {
        return switch (encoding) {
            case UpdateEncoding.Fp32 fp32 -> 1;
            case UpdateEncoding.Int8 int8 -> 0.25;
            case UpdateEncoding.TopK topK -> topK.fraction();
        };
    }

    private static int group(StoredRun run) {
        boolean clean = run.attack().equals("none");
        boolean fp32 = run.encoding().equals("fp32");
        if (clean && fp32) {
            return run.partition().equals("iid") ? 0 : 1;
        }
        return clean ? 2 : 3;
    }

    private static int strategyRank(String strategy) {
        List<String> order = List.of("fedavg", "fedprox", "median", "trimmed-mean", "krum", "multi-krum");
        if (strategy.contains("+norm-bound")) {
            return order.size();
        }
        int rank = order.indexOf(strategy.split(":", 2)[0]);
        return rank < 0 ? order.size() + 1 : rank;
    }

    private static int indexOfSameRun(List<StoredRun> runs, StoredRun run) {
        for (int i = 0; i < runs.size(); i++) {
            StoredRun kept = runs.get(i);
            if (kept.scenario().equals(run.scenario())
                    && kept.strategy().equals(run.strategy())
                    && kept.encoding().equals(run.encoding())) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<Stored> read(Path file) throws IOException {
        if (!file.toFile().exists()) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return parse(read(channel));
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
        int read = 0;
        while (buffer.hasRemaining() && read >= 0) {
            read = channel.read(buffer, buffer.position());
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static Optional<Stored> parse(String text) throws IOException {
        return text.isBlank() ? Optional.empty() : Optional.of(JSON.readValue(text, Stored.class));
    }
}
