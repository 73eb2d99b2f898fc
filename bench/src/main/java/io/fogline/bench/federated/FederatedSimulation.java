package io.fogline.bench.federated;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.federated.InMemoryUpdates;
import io.fogline.federated.NormScreen;
import io.fogline.federated.RefusalCounts;
import io.fogline.federated.RoundIntake;
import io.fogline.federated.RoundRules;
import io.fogline.federated.ServerOptimizer;
import io.fogline.federated.UpdateSet;
import io.fogline.federated.Verdict;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Permutations;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.federated.ErrorFeedback;
import io.fogline.learn.federated.FederatedClient;
import io.fogline.learn.federated.RoundConfig;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Many clients and a server in one process, through the code a fleet runs: each client is {@link FederatedClient}
 * with {@link ErrorFeedback}, whose encoded bodies the server takes through {@link RoundIntake}, screens with
 * {@link NormScreen}, aggregates with the strategy's plan and applies with the {@link ServerOptimizer}. Only the
 * transport is missing: bodies pass as byte arrays instead of HTTP.
 */
public final class FederatedSimulation {

    /**
     * Everything every run of a benchmark shares.
     *
     * @param local the clients' round configuration; its learning rate is the first round's
     * @param cosineDecay whether the local learning rate follows a cosine from the first round to zero after the last
     * @param normScreen the norm screen's multiple of the median; 0 for none
     */
    public record Setup(
            ModelSpec model,
            int clients,
            int rounds,
            RoundConfig local,
            boolean cosineDecay,
            String serverOptimizer,
            double normScreen,
            long seed) {}

    @FunctionalInterface
    interface RoundListener {
        void onRound(Experiment experiment, RoundRecord record);
    }

    private static final String JOB = "bench";

    private FederatedSimulation() {}

    static RunResult run(Experiment experiment, Setup setup, TrainTest data, RoundListener listener) {
        long start = System.nanoTime();
        Dataset train = data.train();
        int[][] parts = experiment.partition().split(train, setup.clients(), setup.seed());
        Set<Integer> attackers = attackers(setup, experiment.attackFraction());
        List<Dataset> locals = new ArrayList<>();
        for (int c = 0; c < setup.clients(); c++) {
            Dataset local = train.subset(parts[c]);
            locals.add(attackers.contains(c) ? experiment.attack().poison(local) : local);
        }
        Network network = setup.model().build(train.sampleShape(), train.classCount(), setup.seed());
        float[] global = network.parameterVector();
        FederatedClient client = new FederatedClient(setup.model().build(train.sampleShape(), train.classCount(), 0));
        List<ErrorFeedback> feedback = IntStream.range(0, setup.clients())
                .mapToObj(c -> new ErrorFeedback(global.length))
                .toList();
        Set<String> cohort = new HashSet<>();
        for (int c = 0; c < setup.clients(); c++) {
            cohort.add(name(c));
        }
        ServerOptimizer server = ServerOptimizer.parse(setup.serverOptimizer());
        SplittableRandom attackRandom = new SplittableRandom(setup.seed() ^ 0x5eed);
        List<RoundRecord> records = new ArrayList<>();
        for (int round = 1; round <= setup.rounds(); round++) {
            long roundStart = System.nanoTime();
            RoundConfig config = roundConfig(setup, experiment, round);
            RefusalCounts refusals = new RefusalCounts();
            RoundIntake intake =
                    new RoundIntake(new RoundRules(JOB, round, global.length, cohort, train.size()), refusals);
            InMemoryUpdates stored = new InMemoryUpdates(global.length);
            long uploaded = 0;
            for (int c = 0; c < setup.clients(); c++) {
                Dataset local = locals.get(c);
                if (local.size() == 0) {
                    continue;
                }
                ModelUpdate update = client.train(JOB, round, global, local, config, clientSeed(setup, round, c));
                if (attackers.contains(c)) {
                    update = experiment.attack().tamper(update, attackRandom);
                }
                byte[] body = feedback.get(c).encode(update, experiment.encoding());
                uploaded += body.length;
                if (intake.offer(name(c), body, body.length) instanceof Verdict.Accepted accepted) {
                    stored.add(name(c), accepted.update());
                }
            }
            intake.close();
            UpdateSet passed = setup.normScreen() > 0
                    ? new NormScreen(setup.normScreen())
                            .screen(stored, refusals)
                            .passed()
                    : stored;
            if (passed.size() > 0) {
                server.step(global, experiment.strategy().plan().aggregate(passed));
            }
            network.loadParameterVector(global);
            RoundRecord record = new RoundRecord(
                    round,
                    Evaluation.accuracy(network, data.test()),
                    uploaded,
                    passed.size(),
                    refusals.toString(),
                    (System.nanoTime() - roundStart) / 1e9);
            records.add(record);
            listener.onRound(experiment, record);
        }
        return new RunResult(experiment, records, (System.nanoTime() - start) / 1e9);
    }

    static RoundConfig roundConfig(Setup setup, Experiment experiment, int round) {
        RoundConfig config = setup.local().withProximalMu(experiment.strategy().proximalMu());
        if (!setup.cosineDecay()) {
            return config;
        }
        double progress = (double) (round - 1) / setup.rounds();
        return config.withLearningRate(config.learningRate() * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** The attacking clients: the attack fraction of them, rounded, drawn from the seed. */
    static Set<Integer> attackers(Setup setup, double fraction) {
        int count = (int) Math.round(fraction * setup.clients());
        int[] order = Permutations.shuffled(setup.clients(), new SplittableRandom(setup.seed() * 31 + 17));
        Set<Integer> chosen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            chosen.add(order[i]);
        }
        return chosen;
    }

    private static long clientSeed(Setup setup, int round, int client) {
        return new SplittableRandom(setup.seed() * 1_000_003L + round * 7919L + client).nextLong();
    }

    private static String name(int client) {
        return "client-" + client;
    }
}
