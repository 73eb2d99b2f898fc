package io.fogline.learn.train;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Permutations;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Mini-batch training of a {@link Network} on softmax cross-entropy, reproducible from the config's seed. */
public final class Trainer {

    private final TrainingConfig config;
    private final ParameterPenalty penalty;

    public Trainer(TrainingConfig config) {
        this(config, ParameterPenalty.NONE);
    }

    private Trainer(TrainingConfig config, ParameterPenalty penalty) {
        this.config = config;
        this.penalty = penalty;
    }

    /** Adds {@code penalty} to the loss. */
    public Trainer withPenalty(ParameterPenalty penalty) {
        return new Trainer(config, penalty);
    }

    /**
     * Trains {@code network} in place.
     *
     * @param validation measured after each epoch; may be empty
     */
    public TrainingResult fit(Network network, Dataset train, Dataset validation, TrainingListener listener) {
        if (train.featureCount() != network.inputSize() || train.classCount() != network.classCount()) {
            throw new IllegalArgumentException("the network takes " + network.inputSize() + " features to "
                    + network.classCount() + " classes, the data has " + train.featureCount() + " features and "
                    + train.classCount() + " classes");
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        Optimizer optimizer = config.newOptimizer();
        List<Parameter> parameters = network.parameters();
        int width = train.featureCount();
        int classes = network.classCount();
        int batchSize = Math.min(config.batchSize(), train.size());
        float[] batchFeatures = new float[batchSize * width];
        int[] batchLabels = new int[batchSize];
        float[] logitGradient = new float[batchSize * classes];
        long stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
        long totalSteps = stepsPerEpoch * config.epochs();
        long step = 0;
        long runStart = System.nanoTime();
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            int[] order = Permutations.shuffled(train.size(), random);
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < order.length; start += batchSize) {
                int batch = Math.min(batchSize, order.length - start);
                for (int b = 0; b < batch; b++) {
                    int example = order[start + b];
                    System.arraycopy(train.features(), example * width, batchFeatures, b * width, width);
                    batchLabels[b] = train.labels()[example];
                }
                float[] logits = network.logits(batchFeatures, batch, true);
                for (int b = 0; b < batch; b++) {
                    if (CrossEntropy.argmax(logits, b * classes, classes) == batchLabels[b]) {
                        correct++;
                    }
                }
                lossSum += CrossEntropy.lossAndGradient(logits, batchLabels, batch, classes, logitGradient);
                network.backward(logitGradient, batch);
                penalty.addGradients(parameters);
                optimizer.step(parameters, config.learningRateAt(step++, totalSteps));
            }
            double validationAccuracy = Evaluation.accuracy(network, validation);
            EpochReport report = new EpochReport(
                    epoch,
                    config.epochs(),
                    lossSum / train.size(),
                    (double) correct / train.size(),
                    validationAccuracy,
                    Duration.ofNanos(System.nanoTime() - epochStart));
            reports.add(report);
            listener.onEpoch(report);
        }
        return new TrainingResult(reports, Duration.ofNanos(System.nanoTime() - runStart));
    }
}
