package io.fogline.learn.train;

import java.time.Duration;
import java.util.List;

/** The epochs of a finished run and its total training time. */
public record TrainingResult(List<EpochReport> epochs, Duration duration) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }
}
