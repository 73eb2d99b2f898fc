package io.fogline.cli;

import io.fogline.learn.data.TrainTest;
import io.fogline.learn.distill.Distillation;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.prune.PruneJob;
import io.fogline.learn.train.ProgressPrinter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fogline optimize prune}: removes the least important hidden units and channels, then fine-tunes. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = "Remove the least important share of hidden units and convolution channels (mean activation"
                + " times outgoing weight norm) and fine-tune after each round, on the labels or on a teacher's"
                + " answers, so the file and its latency shrink; then report size, latency and accuracy before and"
                + " after (and every step recorded beside the input).")
final class PruneCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "The model to prune: an ONNX model Fogline trained.")
    Path input;

    @Option(names = "--out", required = true, description = "Where the pruned ONNX model goes.")
    Path output;

    @Option(
            names = "--fraction",
            defaultValue = "0.5",
            description = "Share of each hidden layer's units (and each convolution's channels) to remove"
                    + " (default ${DEFAULT-VALUE}).")
    double fraction;

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description = "Prune-and-fine-tune steps to reach it in (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--epochs",
            defaultValue = "2",
            description = "Fine-tuning passes over the training set after each round (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--teacher", description = "Fine-tune on this model's softened answers (a model Fogline trained).")
    Path teacher;

    @Mixin
    TeacherOptions teaching;

    @Mixin
    LearningData learning;

    @Override
    public Integer call() throws Exception {
        if (!(fraction > 0 && fraction < 1)) {
            throw UserError.usage("--fraction must be between 0 and 1, not " + fraction);
        }
        if (rounds < 1) {
            throw UserError.usage("--rounds must be at least 1, not " + rounds);
        }
        OnnxImporter.Imported model = OnnxImporter.read(input);
        Optional<Distillation> distillation = teacher == null ? Optional.empty() : Optional.of(teaching.from(teacher));
        TrainTest data = learning.load();
        System.out.printf(
                Locale.ROOT,
                "pruning %.0f%% of %s's units in %d round%s, %d epoch%s of fine-tuning each%s%n",
                100 * fraction,
                input,
                rounds,
                rounds == 1 ? "" : "s",
                epochs,
                epochs == 1 ? "" : "s",
                teacher == null ? "" : " on " + teacher + "'s answers");
        PruneJob.Result result = PruneJob.run(
                new PruneJob.Options(
                        model.network(),
                        new ExportInfo(
                                model.info().modelName(),
                                model.info().labels(),
                                String.format(Locale.ROOT, "pruned %.0f%% of its units: ", 100 * fraction)
                                        + model.info().description()),
                        data.train(),
                        data.test(),
                        fraction,
                        rounds,
                        learning.training(epochs),
                        learning.augmentation(),
                        distillation,
                        0.1,
                        output),
                new ProgressPrinter(System.out));
        System.out.printf(
                Locale.ROOT,
                "units %s -> %s, parameters %,d -> %,d; test accuracy %.2f%% -> %.2f%%%n",
                result.widthsBefore(),
                result.rounds().getLast().widths(),
                result.parametersBefore(),
                result.parametersAfter(),
                100 * result.accuracyBefore(),
                100 * result.accuracyAfter());
        LearningData.report(
                input, "fp32", String.format(Locale.ROOT, "pruned %.0f%%", 100 * fraction), output, data.test());
        return 0;
    }
}
