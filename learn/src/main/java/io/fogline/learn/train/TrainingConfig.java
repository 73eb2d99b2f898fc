package io.fogline.learn.train;

/**
 * How to train: everything that, with the data and the architecture, determines the result bit for bit.
 *
 * @param epochs passes over the training set
 * @param batchSize examples per gradient step
 * @param optimizer the update rule
 * @param learningRate the initial step size
 * @param momentum SGD's momentum (Adam uses its own fixed betas)
 * @param weightDecay L2 (SGD) or decoupled (Adam) weight decay on weights, never biases
 * @param schedule how the step size changes over the run
 * @param seed the seed of every random choice: initial weights, shuffles, dropout masks
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        OptimizerKind optimizer,
        double learningRate,
        double momentum,
        double weightDecay,
        Schedule schedule,
        long seed) {

    public enum OptimizerKind {
        SGD,
        ADAM
    }

    public enum Schedule {
        CONSTANT,
        /** Cosine annealing from the initial rate to zero over all steps (Loshchilov and Hutter, 2017). */
        COSINE
    }

    public TrainingConfig {
        if (epochs <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException(
                    "epochs and batch size must be positive, not " + epochs + ", " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, not " + learningRate);
        }
    }

    /** Adam at 1e-3 with cosine annealing, batches of 64: a setting that trains the small models here well. */
    public static TrainingConfig adam(int epochs, long seed) {
        return new TrainingConfig(epochs, 64, OptimizerKind.ADAM, 1e-3, 0.9, 0, Schedule.COSINE, seed);
    }

    public TrainingConfig withLearningRate(double rate) {
        return new TrainingConfig(epochs, batchSize, optimizer, rate, momentum, weightDecay, schedule, seed);
    }

    public TrainingConfig withOptimizer(OptimizerKind kind) {
        return new TrainingConfig(epochs, batchSize, kind, learningRate, momentum, weightDecay, schedule, seed);
    }

    public TrainingConfig withWeightDecay(double decay) {
        return new TrainingConfig(epochs, batchSize, optimizer, learningRate, momentum, decay, schedule, seed);
    }

    Optimizer newOptimizer() {
        return switch (optimizer) {
            case SGD -> new Sgd(momentum, weightDecay);
            case ADAM -> new Adam(weightDecay);
        };
    }

    float learningRateAt(long step, long totalSteps) {
        return switch (schedule) {
            case CONSTANT -> (float) learningRate;
            case COSINE -> (float) (learningRate * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps)));
        };
    }
}
