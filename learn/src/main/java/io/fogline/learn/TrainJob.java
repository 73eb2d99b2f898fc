package io.fogline.learn;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.Splits;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Augmentation;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.learn.train.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code fogline train}: trains a model on a known dataset, measures it on the dataset's test split, and writes it into
 * a model repository as {@code <out>/<name>/<version>/model.onnx} beside {@code config.json} and {@code labels.txt}.
 */
public final class TrainJob {

    public static final String FASHION_MNIST = "fashion-mnist";

    /** The {@code config.json} written beside a trained model: batches of up to 64 and its labels file. */
    public static final String CONFIG_JSON = """
            {"max_batch_size": 64, "dynamic_batching": {"max_queue_delay_microseconds": 200}, "labels_file": "labels.txt"}
            """;

    /**
     * @param dataset the dataset's name; {@value #FASHION_MNIST} is the one known
     * @param dataDirectory where the dataset's files are
     * @param model the architecture
     * @param training epochs, optimizer, seed and the rest
     * @param validationFraction the share of training examples held out to report validation accuracy per epoch
     * @param outputDirectory the model repository to write into
     * @param modelName the model's name in the repository
     * @param augmentation applied to the training images
     */
    public record Options(
            String dataset,
            Path dataDirectory,
            ModelSpec model,
            TrainingConfig training,
            double validationFraction,
            Path outputDirectory,
            String modelName,
            Augmentation augmentation) {

        public Options(
                String dataset,
                Path dataDirectory,
                ModelSpec model,
                TrainingConfig training,
                double validationFraction,
                Path outputDirectory,
                String modelName) {
            this(
                    dataset,
                    dataDirectory,
                    model,
                    training,
                    validationFraction,
                    outputDirectory,
                    modelName,
                    Augmentation.NONE);
        }

        /** Fashion-MNIST from its Debian location, Adam, a tenth held out, named after the dataset and model. */
        public static Options fashionMnist(ModelSpec model, int epochs, Path outputDirectory) {
            return new Options(
                    FASHION_MNIST,
                    FashionMnist.DEFAULT_DIRECTORY,
                    model,
                    TrainingConfig.adam(epochs, 42),
                    0.1,
                    outputDirectory,
                    defaultModelName(FASHION_MNIST, model));
        }

        public Options withDataDirectory(Path directory) {
            return new Options(
                    dataset, directory, model, training, validationFraction, outputDirectory, modelName, augmentation);
        }

        public Options withTraining(TrainingConfig config) {
            return new Options(
                    dataset,
                    dataDirectory,
                    model,
                    config,
                    validationFraction,
                    outputDirectory,
                    modelName,
                    augmentation);
        }

        public Options withAugmentation(Augmentation newAugmentation) {
            return new Options(
                    dataset,
                    dataDirectory,
                    model,
                    training,
                    validationFraction,
                    outputDirectory,
                    modelName,
                    newAugmentation);
        }
    }

    /**
     * @param modelFile the written {@code model.onnx}
     * @param version the repository version it was written as
     * @param testAccuracy accuracy on the dataset's test split
     * @param parameterCount the number of trained parameters
     */
    public record Result(
            Path modelFile, int version, TrainingResult training, double testAccuracy, long parameterCount) {}

    /** Where, beside the versions, the network is kept after each epoch until the run ends. */
    public static final String CHECKPOINT = "checkpoint";

    private TrainJob() {}

    public static Result run(Options options, TrainingListener listener) throws IOException {
        TrainTest data = load(options.dataset(), options.dataDirectory());
        Splits.TrainValidation split = Splits.holdOut(
                data.train(), options.validationFraction(), options.training().seed());
        Dataset train = split.train();
        Network network = options.model()
                .build(
                        train.sampleShape(),
                        train.classCount(),
                        options.training().seed());
        Path modelDirectory = options.outputDirectory().resolve(options.modelName());
        ExportInfo info = new ExportInfo(
                options.modelName(),
                train.classNames(),
                "%s trained by Fogline on %s for %d epochs%s; input: %d pixels scaled to [0, 1], row-major"
                        .formatted(
                                options.model(),
                                options.dataset(),
                                options.training().epochs(),
                                options.augmentation().isNone() ? "" : " (augmented: " + options.augmentation() + ")",
                                train.featureCount()));
        // The network after each epoch, so that a long run cut short still leaves a model; a repository's versions are
        // numbered directories, so a node never serves it.
        Path checkpoint = modelDirectory.resolve(CHECKPOINT).resolve("model.onnx");
        TrainingListener checkpointing = report -> {
            ExportInfo partial = new ExportInfo(
                    info.modelName(),
                    info.labels(),
                    "checkpoint after epoch %d of %d: %s"
                            .formatted(report.epoch(), report.epochs(), info.description()));
            try {
                OnnxExporter.write(network, partial, checkpoint);
            } catch (IOException e) {
                throw new UncheckedIOException("writing the checkpoint " + checkpoint, e);
            }
            listener.onEpoch(report);
        };
        TrainingResult training = new Trainer(options.training())
                .withAugmentation(options.augmentation())
                .fit(network, train, split.validation(), checkpointing);
        double testAccuracy = Evaluation.accuracy(network, data.test());
        int version = nextVersion(modelDirectory);
        Path modelFile = modelDirectory.resolve(Integer.toString(version)).resolve("model.onnx");
        OnnxExporter.write(network, info, modelFile);
        Files.delete(checkpoint);
        Files.delete(checkpoint.getParent());
        Files.writeString(modelDirectory.resolve("config.json"), CONFIG_JSON, StandardCharsets.UTF_8);
        Files.write(modelDirectory.resolve("labels.txt"), train.classNames(), StandardCharsets.UTF_8);
        return new Result(modelFile, version, training, testAccuracy, network.parameterCount());
    }

    /** A repository-safe name such as {@code fashion-mnist-mlp-256-128}. */
    public static String defaultModelName(String dataset, ModelSpec model) {
        String spec = model.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return (dataset + "-" + spec).replaceAll("-+$", "");
    }

    private static TrainTest load(String dataset, Path directory) throws IOException {
        if (!dataset.equals(FASHION_MNIST)) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "': known is " + FASHION_MNIST);
        }
        return FashionMnist.load(directory);
    }

    /** One more than the highest numbered version already in the model's directory, or 1. */
    private static int nextVersion(Path modelDirectory) throws IOException {
        if (!Files.isDirectory(modelDirectory)) {
            return 1;
        }
        try (Stream<Path> entries = Files.list(modelDirectory)) {
            return entries.filter(Files::isDirectory)
                            .map(p -> p.getFileName().toString())
                            .filter(name -> name.matches("[0-9]{1,9}"))
                            .mapToInt(Integer::parseInt)
                            .max()
                            .orElse(0)
                    + 1;
        }
    }
}
