package io.fogline.optimize;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.learn.train.TrainingResult;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.NpyWriter;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Fogline's own Fashion-MNIST classifiers, trained with fogline-learn, and their data as quantization samples. */
public final class FashionMnistModels {

    private FashionMnistModels() {}

    /** A trained network and its exported file. */
    public record Trained(Network network, Path file, TrainingResult training) {}

    public static TrainTest data() throws IOException {
        return FashionMnist.load();
    }

    public static Trained train(
            ModelSpec spec, TrainingConfig config, Dataset train, Path file, TrainingListener listener)
            throws IOException {
        Network network = spec.build(train.sampleShape(), train.classCount(), config.seed());
        TrainingResult result = new Trainer(config).fit(network, train, train.head(0), listener);
        OnnxExporter.write(network, new ExportInfo("fashion-mnist-" + spec, train.classNames(), spec.toString()), file);
        return new Trained(network, file, result);
    }

    /** The examples as single-image samples of the exported models' input, labelled. */
    public static SampleSet samples(Dataset dataset) {
        int width = dataset.featureCount();
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < dataset.size(); i++) {
            float[] pixels = Arrays.copyOfRange(dataset.features(), i * width, (i + 1) * width);
            samples.add(
                    new Sample(Map.of(OnnxExporter.INPUT_NAME, new InputTensor.Floats(new long[] {1, width}, pixels))));
        }
        return new SampleSet(samples, dataset.labels());
    }

    /** Writes the examples as the {@code .npy} sample directory {@code fogline optimize quantize} reads. */
    public static Path writeNpy(Dataset dataset, Path directory) throws IOException {
        return NpyWriter.labelledSamples(
                directory, OnnxExporter.INPUT_NAME, dataset.features(), dataset.featureCount(), dataset.labels());
    }
}
