package io.fogline.cli;

import io.fogline.learn.TrainJob;
import io.fogline.learn.model.ModelSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fogline train}: trains a small model in plain Java and writes it into a node's model repository. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model and write it into a repository.")
final class TrainCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "mlp:256,128",
            description = "softmax, mlp:H1[,H2...][:dropout=P] or cnn:C1,C2[:dense=W][:dropout=P]"
                    + " (default ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--epochs",
            defaultValue = "15",
            description = "Passes over the training set (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--out", defaultValue = "models", description = "Model repository (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    LearningData learning;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = ModelSpec.parse(model);
        TrainJob.Options options = TrainJob.Options.fashionMnist(spec, epochs, out)
                .withTraining(learning.training(epochs))
                .withAugmentation(learning.augmentation())
                .withDataDirectory(learning.directory());
        System.out.printf("training %s on %s for %d epochs%n", spec, learning.dataset, epochs);
        TrainJob.Result result = TrainJob.run(
                options,
                report -> System.out.printf(
                        Locale.ROOT,
                        "epoch %2d/%d  loss %.4f  train %.2f%%%s  %.1f s%n",
                        report.epoch(),
                        report.epochs(),
                        report.trainLoss(),
                        report.trainAccuracy() * 100,
                        report.hasValidation()
                                ? String.format(Locale.ROOT, "  validation %.2f%%", report.validationAccuracy() * 100)
                                : "",
                        report.duration().toMillis() / 1000.0));
        System.out.printf(
                Locale.ROOT,
                "test accuracy %.2f%% (%,d parameters); wrote %s (version %d)%n",
                result.testAccuracy() * 100,
                result.parameterCount(),
                result.modelFile(),
                result.version());
        return 0;
    }
}
