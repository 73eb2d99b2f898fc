package io.fogline.learn.train;

import java.io.PrintStream;
import java.util.Locale;

/** Prints one line per epoch, for people watching a training run in a terminal. */
public final class ProgressPrinter implements TrainingListener {

    private final PrintStream out;

    public ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpoch(EpochReport report) {
        String validation = report.hasValidation()
                ? String.format(Locale.ROOT, "  validation %.2f%%", 100 * report.validationAccuracy())
                : "";
        out.printf(
                Locale.ROOT,
                "epoch %d/%d  loss %.4f  train %.2f%%%s  %.1f s%n",
                report.epoch(),
                report.epochs(),
                report.trainLoss(),
                100 * report.trainAccuracy(),
                validation,
                report.duration().toMillis() / 1000.0);
        out.flush();
    }
}
