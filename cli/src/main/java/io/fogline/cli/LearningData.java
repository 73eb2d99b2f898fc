package io.fogline.cli;

import ai.onnxruntime.OrtException;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.learn.TrainJob;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.train.Augmentation;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.optimize.report.LatencySettings;
import io.fogline.optimize.report.ModelStep;
import io.fogline.optimize.report.StepChain;
import io.fogline.optimize.report.StepsReport;
import io.fogline.optimize.report.StepsReporter;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What {@code optimize distill} and {@code optimize prune} train on and how: the dataset as {@code train} reads it,
 * the training settings, and the test examples every step of the report is measured on.
 */
final class LearningData {

    @Option(
            names = "--dataset",
            defaultValue = TrainJob.FASHION_MNIST,
            description = "Dataset (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(
            names = "--data",
            description = "Directory of the dataset's labelled examples in the layout train reads (Fashion-MNIST's"
                    + " IDX files; default: Debian's /usr/share/datasets/fashion-mnist, else the user cache, where it"
                    + " is fetched when absent).")
    Path data;

    @Option(
            names = "--learning-rate",
            defaultValue = "0.001",
            description = "Adam's initial step size, annealed to zero on a cosine (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--augmentation",
            defaultValue = "none",
            description = "Random changes to each training image in each epoch: none, shift=N, mirror or"
                    + " shift=N,mirror (default ${DEFAULT-VALUE}).")
    String augmentation;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial weights and the shuffles.")
    long seed;

    /** The dataset's directory, fetched when this machine lacks it. */
    Path directory() throws IOException {
        if (!dataset.equals(TrainJob.FASHION_MNIST)) {
            throw UserError.usage("unknown dataset '" + dataset + "'; known: " + TrainJob.FASHION_MNIST);
        }
        return Datasets.fromEnvironment()
                .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                .directory();
    }

    TrainTest load() throws IOException {
        return FashionMnist.load(directory());
    }

    /**
     * Measures {@code output}, made from {@code source} by {@code step}, beside every step that led to {@code source}
     * on the test examples, prints the table and writes it beside {@code output}.
     */
    static void report(Path source, String sourceStep, String step, Path output, Dataset test)
            throws IOException, OrtException {
        StepsReport report = StepsReporter.recordStep(
                source, sourceStep, new ModelStep(step, output), samples(test), LatencySettings.defaults());
        System.out.print(report.toText());
        System.out.println("wrote " + output + "; report written to " + StepChain.reportFile(output));
    }

    TrainingConfig training(int epochs) {
        if (epochs < 1) {
            throw UserError.usage("--epochs must be at least 1, not " + epochs);
        }
        if (!(learningRate > 0)) {
            throw UserError.usage("--learning-rate must be positive, not " + learningRate);
        }
        return TrainingConfig.adam(epochs, seed).withLearningRate(learningRate);
    }

    Augmentation augmentation() {
        return Augmentation.parse(augmentation);
    }

    /** The examples as the labelled samples an optimize report measures a Fogline-trained model on. */
    static SampleSet samples(Dataset examples) {
        int width = examples.featureCount();
        float[] features = examples.features();
        List<Sample> samples = new ArrayList<>(examples.size());
        for (int k = 0; k < examples.size(); k++) {
            float[] values = Arrays.copyOfRange(features, k * width, (k + 1) * width);
            samples.add(
                    new Sample(Map.of(OnnxExporter.INPUT_NAME, new InputTensor.Floats(new long[] {1, width}, values))));
        }
        return new SampleSet(samples, examples.labels());
    }
}
