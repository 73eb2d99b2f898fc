package io.fogline.cli;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleUnpacker;
import io.fogline.bundle.BundleWriter;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.content.GoldenCase;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.control.federated.FederatedModels;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.federated.GlobalModel;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import io.fogline.node.ota.BundlePacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Federated jobs' models on a control plane started by {@code fogline control}: the learn module reads and writes the
 * ONNX files it exports, evaluates each round's model on the control plane's evaluation data, and the result is packed
 * as {@code fogline bundle pack} packs (golden outputs recorded by the node's own loader, reference statistics over a
 * sample of the evaluation data) and signed with the control plane's signing key.
 */
final class LearnFederatedModels implements FederatedModels {

    /** Evaluation images the reference statistics describe: drift is judged against 100 samples or more. */
    private static final int REFERENCE_SAMPLES = 200;

    private final SigningKey key;
    private final Dataset evaluation;

    /** @param evaluation held-out labelled examples, or null for none (rounds then report no evaluated accuracy) */
    LearnFederatedModels(SigningKey key, Dataset evaluation) {
        this.key = key;
        this.evaluation = evaluation;
    }

    @Override
    public float[] parameters(byte[] onnx) {
        return GlobalModel.parameters(onnx);
    }

    @Override
    public byte[] withParameters(byte[] onnx, float[] parameters) {
        return GlobalModel.withParameters(onnx, parameters);
    }

    @Override
    public OptionalDouble evaluate(byte[] onnx) {
        if (evaluation == null) {
            return OptionalDouble.empty();
        }
        Network network = GlobalModel.read(onnx).network();
        if (network.inputSize() != evaluation.featureCount()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Evaluation.accuracy(network, evaluation));
    }

    @Override
    public Path pack(Map<String, byte[]> baseFiles, byte[] onnx, String model, long version, String keyId)
            throws IOException {
        if (keyId != null && !keyId.equals(key.keyId())) {
            throw new IllegalArgumentException(
                    "the job asks for key " + keyId + "; this control plane signs with " + key.keyId());
        }
        byte[] golden = baseFiles.get(BundleWriter.GOLDEN);
        if (golden == null) {
            throw new IllegalArgumentException(
                    "the base bundle has no " + BundleWriter.GOLDEN + " to take inputs from");
        }
        List<InferenceRequest> goldenInputs = GoldenSet.parse(golden).cases().stream()
                .map(GoldenCase::request)
                .toList();
        Path directory = Files.createTempDirectory("fogline-federated-pack");
        try {
            for (Map.Entry<String, byte[]> file : baseFiles.entrySet()) {
                String path = file.getKey();
                if (!path.equals(BundleWriter.GOLDEN) && !path.equals(BundleWriter.REFERENCE_STATS)) {
                    Path target = directory.resolve(path);
                    Files.createDirectories(target.getParent());
                    Files.write(target, file.getValue());
                }
            }
            Files.write(directory.resolve("model.onnx"), onnx);
            Path out = Files.createTempFile("fogline-federated", ".fbundle");
            BundlePacker.pack(
                    directory,
                    model,
                    version,
                    new BundlePacker.Golden.Inputs(
                            goldenInputs, GoldenSet.parse(golden).tolerance()),
                    referenceInputs(GlobalModel.read(onnx).network()),
                    Optional.of(key),
                    out);
            return out;
        } catch (BundleException e) {
            throw new IOException("packing " + model + " version " + version + ": " + e.getMessage(), e);
        } finally {
            BundleUnpacker.deleteTree(directory);
        }
    }

    /** A sample of the evaluation data as requests, the traffic the reference statistics describe. */
    private List<InferenceRequest> referenceInputs(Network network) {
        if (evaluation == null || network.inputSize() != evaluation.featureCount()) {
            return List.of();
        }
        int width = evaluation.featureCount();
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < Math.min(REFERENCE_SAMPLES, evaluation.size()); i++) {
            float[] values = Arrays.copyOfRange(evaluation.features(), i * width, (i + 1) * width);
            requests.add(InferenceRequest.of(Tensor.ofFloats(OnnxExporter.INPUT_NAME, new long[] {1, width}, values)));
        }
        return requests;
    }
}
