package io.fogline.learn.train;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Permutations;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mini-batch training of a {@link Network} on a {@link Loss} (softmax cross-entropy unless told otherwise), optionally
 * on augmented images, reproducible from the config's seed.
 */
public final class Trainer {

    private static final long AUGMENTATION_STREAM = 0x6A09E667F3BCC909L;

    private final TrainingConfig config;
    private final ParameterPenalty penalty;
    private final Loss loss;
    private final Augmentation augmentation;

    public Trainer(TrainingConfig config) {
        this(config, ParameterPenalty.NONE, Loss.CROSS_ENTROPY, Augmentation.NONE);
    }

    private Trainer(TrainingConfig config, ParameterPenalty penalty, Loss loss, Augmentation augmentation) {
        this.config = config;
        this.penalty = penalty;
        this.loss = loss;
        this.augmentation = augmentation;
    }

    public Trainer withLoss(Loss newLoss) {
        return new Trainer(config, penalty, newLoss, augmentation);
    }

    public Trainer withAugmentation(Augmentation newAugmentation) {
        return new Trainer(config, penalty, loss, newAugmentation);
    }

    /** Adds {@code newPenalty} to the loss. */
    public Trainer withPenalty(ParameterPenalty newPenalty) {
        return new Trainer(config, newPenalty, loss, augmentation);
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
        int[] shape = train.sampleShape();
        if (!augmentation.isNone() && shape.length != 3) {
            throw new IllegalArgumentException(
                    "augmentation shifts and mirrors images of [channels, height, width], not "
                            + Arrays.toString(shape));
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        // A stream of its own, so that the shuffles and dropout masks of a run without augmentation stay as they were.
        SplittableRandom augmentationRandom = new SplittableRandom(config.seed() ^ AUGMENTATION_STREAM);
        Optimizer optimizer = config.newOptimizer();
        List<Parameter> parameters = network.parameters();
        int width = train.featureCount();
        int classes = network.classCount();
        int batchSize = Math.min(config.batchSize(), train.size());
        float[] batchFeatures = new float[batchSize * width];
        int[] batchLabels = new int[batchSize];
        int[] batchExamples = new int[batchSize];
        float[] scratch = new float[width];
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
                    if (!augmentation.isNone()) {
                        augmentation.apply(batchFeatures, b * width, shape, augmentationRandom, scratch);
                    }
                    batchLabels[b] = train.labels()[example];
                    batchExamples[b] = example;
                }
                float[] logits = network.logits(batchFeatures, batch, true);
                for (int b = 0; b < batch; b++) {
                    if (CrossEntropy.argmax(logits, b * classes, classes) == batchLabels[b]) {
                        correct++;
                    }
                }
                lossSum += loss.lossAndGradient(logits, batchExamples, batchLabels, batch, classes, logitGradient);
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
