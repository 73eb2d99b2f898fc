package io.fogline.bench.cascade;

import io.fogline.learn.TrainJob;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Fashion-MNIST models trained by {@code learn}, kept under the work directory so a second run skips training. */
final class TrainedModels {

    static final String MODEL_NAME = "model";

    private TrainedModels() {}

    /**
     * The model directory ({@code config.json}, {@code labels.txt}, {@code 1/model.onnx}) for a choice: the model it
     * names, or one trained now unless an earlier run left it.
     */
    static Path trainedOrCached(
            CascadeOptions.ModelChoice choice, String role, Path work, Path dataDirectory, PrintStream out)
            throws IOException {
        if (choice.file() != null) {
            return given(choice.file(), work.resolve("given").resolve(role), out);
        }
        Path repository = work.resolve("trained").resolve(choice.key());
        Path directory = repository.resolve(MODEL_NAME);
        if (Files.isRegularFile(directory.resolve("1").resolve("model.onnx"))) {
            out.printf("reusing %s (trained by an earlier run) from %s%n", choice.spec(), directory);
            return directory;
        }
        // A half-written directory from an interrupted run would make the trainer write version 2.
        deleteRecursively(repository);
        out.printf(
                Locale.ROOT,
                "training %s for %d epochs (learning rate %s); it is kept for later runs%n",
                choice.spec(),
                choice.epochs(),
                choice.learningRate());
        TrainJob.Options options = new TrainJob.Options(
                TrainJob.FASHION_MNIST,
                dataDirectory,
                ModelSpec.parse(choice.spec()),
                TrainingConfig.adam(choice.epochs(), choice.seed()).withLearningRate(choice.learningRate()),
                0.1,
                repository,
                MODEL_NAME);
        TrainJob.Result result = TrainJob.run(
                options,
                report -> out.printf(
                        Locale.ROOT,
                        "  epoch %d/%d  loss %.4f  train %.2f%%  %.1f s%n",
                        report.epoch(),
                        report.epochs(),
                        report.trainLoss(),
                        report.trainAccuracy() * 100,
                        report.duration().toMillis() / 1000.0));
        out.printf(Locale.ROOT, "  test accuracy %.2f%%%n", result.testAccuracy() * 100);
        return directory;
    }

    private static Path given(Path file, Path repository, PrintStream out) throws IOException {
        deleteRecursively(repository);
        Path directory = repository.resolve(MODEL_NAME);
        Files.createDirectories(directory.resolve("1"));
        Files.copy(file, directory.resolve("1").resolve("model.onnx"));
        Files.writeString(directory.resolve("config.json"), TrainJob.CONFIG_JSON, StandardCharsets.UTF_8);
        Files.write(directory.resolve("labels.txt"), OnnxImporter.readInfo(file).labels(), StandardCharsets.UTF_8);
        out.printf("serving %s%n", file);
        return directory;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
