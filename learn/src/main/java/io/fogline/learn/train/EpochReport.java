package io.fogline.learn.train;

import java.time.Duration;

/**
 * What one epoch achieved.
 *
 * @param epoch the epoch just finished, from 1
 * @param epochs the number of epochs in the run
 * @param trainLoss the mean loss over the epoch's examples (cross-entropy unless the trainer was given another)
 * @param trainAccuracy the share of training examples classified right during the epoch (in training mode)
 * @param validationAccuracy accuracy on the validation set after the epoch, NaN without one
 * @param duration the epoch's wall-clock time, validation included
 */
public record EpochReport(
        int epoch, int epochs, double trainLoss, double trainAccuracy, double validationAccuracy, Duration duration) {

    public boolean hasValidation() {
        return !Double.isNaN(validationAccuracy);
    }
}
