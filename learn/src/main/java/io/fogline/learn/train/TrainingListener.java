package io.fogline.learn.train;

/** Hears about training progress, once per epoch. */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener SILENT = report -> {};

    void onEpoch(EpochReport report);
}
