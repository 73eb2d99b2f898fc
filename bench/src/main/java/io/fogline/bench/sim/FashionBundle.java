package io.fogline.bench.sim;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.content.Tolerance;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.TrainJob;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.node.ota.BundlePacker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A real model to roll out: a softmax classifier trained on Fashion-MNIST by {@code learn} in seconds, packed
 * with golden cases and reference statistics from the test split and signed. The fleet simulator and the demo ship it.
 */
public final class FashionBundle {

    /** The input every Fashion-MNIST model of {@code learn} takes: 784 pixels in [0, 1]. */
    public static final String INPUT = "input";

    private static final int GOLDEN_CASES = 8;

    /**
     * Test images the reference statistics describe, after the first 1,000 (which the demo's clients send): enough
     * for drift to be judged on ({@code Drift.MIN_SAMPLES} is 100), a fair picture of traffic without a shift.
     */
    private static final int REFERENCE_FROM = 1000;

    private static final int REFERENCE_IMAGES = 1000;

    /**
     * @param modelDirectory the trained model as a bundle holds it: model.onnx, config.json, labels.txt
     * @param bundle the signed {@code .fbundle}
     * @param testAccuracy accuracy on the test split
     */
    public record Trained(Path modelDirectory, Path bundle, double testAccuracy) {}

    private FashionBundle() {}

    /**
     * Trains the softmax for {@code epochs} on the Fashion-MNIST files in {@code data} under {@code work} and packs it
     * as {@code model} at {@code version}.
     */
    public static Trained train(
            Path data, Path work, String model, int version, int epochs, long seed, SigningKey key, PrintStream out)
            throws IOException, BundleException {
        Path repository = work.resolve("trained-" + model + "-" + version);
        TrainJob.Options options = new TrainJob.Options(
                TrainJob.FASHION_MNIST,
                data,
                ModelSpec.parse("softmax"),
                TrainingConfig.adam(epochs, seed),
                0.1,
                repository,
                model);
        TrainJob.Result result = TrainJob.run(options, report -> {});
        out.printf(
                Locale.ROOT,
                "  trained a Fashion-MNIST softmax (%d %s): test accuracy %.2f%%%n",
                epochs,
                epochs == 1 ? "epoch" : "epochs",
                result.testAccuracy() * 100);
        Path trained = repository.resolve(model);
        Path content = Files.createDirectories(work.resolve("bundle-" + model + "-" + version));
        Files.copy(result.modelFile(), content.resolve("model.onnx"));
        Files.copy(trained.resolve("config.json"), content.resolve("config.json"));
        Files.copy(trained.resolve("labels.txt"), content.resolve("labels.txt"));
        Path bundle = work.resolve(model + "-" + version + ".fbundle");
        BundlePacker.pack(
                content,
                model,
                version,
                new BundlePacker.Golden.Inputs(testImages(data, GOLDEN_CASES), Tolerance.DEFAULT),
                testImages(data, REFERENCE_FROM, REFERENCE_IMAGES),
                Optional.of(key),
                bundle);
        return new Trained(content, bundle, result.testAccuracy());
    }

    /** One image of the test split per request, as a node's client sends it. */
    public static List<InferenceRequest> testImages(Path data, int count) throws IOException {
        return testImages(data, 0, count);
    }

    private static List<InferenceRequest> testImages(Path data, int from, int count) throws IOException {
        Dataset test = FashionMnist.load(data).test();
        int features = test.featureCount();
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            float[] pixels = Arrays.copyOfRange(test.features(), i * features, (i + 1) * features);
            requests.add(InferenceRequest.of(Tensor.ofFloats(INPUT, new long[] {1, features}, pixels)));
        }
        return requests;
    }
}
