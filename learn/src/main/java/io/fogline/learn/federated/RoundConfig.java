package io.fogline.learn.federated;

import io.fogline.learn.train.TrainingConfig;

/**
 * How every client of a round trains: what the control plane sends with the round, the same for all its clients.
 *
 * @param localEpochs passes over the client's own data
 * @param batchSize examples per step
 * @param optimizer the local update rule; its state starts afresh each round
 * @param learningRate the local step size, constant through the round
 * @param momentum SGD's momentum
 * @param proximalMu FedProx's μ; 0 trains plain FedAvg clients
 * @param clipNorm the largest norm an update leaves the client with (a longer one is scaled down); 0 for no bound
 */
public record RoundConfig(
        int localEpochs,
        int batchSize,
        TrainingConfig.OptimizerKind optimizer,
        double learningRate,
        double momentum,
        double proximalMu,
        double clipNorm) {

    public RoundConfig {
        if (localEpochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException(
                    "local epochs and batch size must be positive, not " + localEpochs + ", " + batchSize);
        }
        if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException(
                    "the learning rate must be positive and momentum in [0, 1), not " + learningRate + ", " + momentum);
        }
        if (!(proximalMu >= 0) || !(clipNorm >= 0)) {
            throw new IllegalArgumentException(
                    "the proximal μ and the clip norm must not be negative, not " + proximalMu + ", " + clipNorm);
        }
    }

    /** SGD with momentum 0.9, no proximal term, no clipping. */
    public static RoundConfig sgd(int localEpochs, int batchSize, double learningRate) {
        return new RoundConfig(localEpochs, batchSize, TrainingConfig.OptimizerKind.SGD, learningRate, 0.9, 0, 0);
    }

    public RoundConfig withProximalMu(double mu) {
        return new RoundConfig(localEpochs, batchSize, optimizer, learningRate, momentum, mu, clipNorm);
    }

    public RoundConfig withClipNorm(double norm) {
        return new RoundConfig(localEpochs, batchSize, optimizer, learningRate, momentum, proximalMu, norm);
    }

    public RoundConfig withLearningRate(double rate) {
        return new RoundConfig(localEpochs, batchSize, optimizer, rate, momentum, proximalMu, clipNorm);
    }

    TrainingConfig training(long seed) {
        return new TrainingConfig(
                localEpochs, batchSize, optimizer, learningRate, momentum, 0, TrainingConfig.Schedule.CONSTANT, seed);
    }
}
