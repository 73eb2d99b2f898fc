package io.fogline.learn.federated;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.EpochReport;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingListener;
import io.fogline.learn.train.TrainingResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One federated client's local round: start from the global parameters, train on the client's own examples, and hand
 * back the change as a {@link ModelUpdate}: the delta, the number of examples and the last local epoch's loss and
 * accuracy. The examples themselves never leave.
 */
public final class FederatedClient {

    private final Network network;
    private final TrainingListener progress;

    /** @param network the job's architecture; its parameters are overwritten by each round's global ones */
    public FederatedClient(Network network) {
        this(network, TrainingListener.SILENT);
    }

    /** @param progress hears about each local epoch as it ends */
    public FederatedClient(Network network, TrainingListener progress) {
        this.network = network;
        this.progress = progress;
    }

    /**
     * @param global the round's global parameters, in the network's parameter-vector layout; left unchanged
     * @param seed the seed of the round's shuffles on this client (dropout draws from the network's own stream)
     */
    public ModelUpdate train(String job, int round, float[] global, Dataset local, RoundConfig config, long seed) {
        if (local.size() == 0) {
            throw new IllegalArgumentException("a client needs examples to train on");
        }
        network.loadParameterVector(global);
        Trainer trainer = new Trainer(config.training(seed));
        if (config.proximalMu() > 0) {
            trainer = trainer.withPenalty(new ProximalTerm(config.proximalMu(), global));
        }
        TrainingResult result = trainer.fit(network, local, local.head(0), progress);
        float[] delta = network.parameterVector();
        for (int k = 0; k < delta.length; k++) {
            delta[k] -= global[k];
        }
        clip(delta, config.clipNorm());
        EpochReport last = result.epochs().getLast();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", last.trainLoss());
        metrics.put("accuracy", last.trainAccuracy());
        return new ModelUpdate(job, round, local.size(), metrics, delta);
    }

    /** Scales {@code delta} down to {@code bound} when it is longer; a bound of 0 leaves it. */
    static void clip(float[] delta, double bound) {
        if (bound <= 0) {
            return;
        }
        double sum = 0;
        for (float value : delta) {
            sum += (double) value * value;
        }
        double norm = Math.sqrt(sum);
        if (norm > bound) {
            float scale = (float) (bound / norm);
            for (int k = 0; k < delta.length; k++) {
                delta[k] *= scale;
            }
        }
    }
}
