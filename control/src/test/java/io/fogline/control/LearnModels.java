package io.fogline.control;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleWriter;
import io.fogline.bundle.SigningKey;
import io.fogline.control.federated.FederatedModels;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.federated.GlobalModel;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Federated jobs' models for the control plane's tests: the learn module's ONNX reading and writing, as the real
 * composition root gives it, with bundles packed by the bundle module and signed with the test's key (golden outputs
 * are the node's business; the cli's end-to-end test runs those).
 */
final class LearnModels implements FederatedModels {

    private final SigningKey key;

    LearnModels(SigningKey key) {
        this.key = key;
    }

    /** A softmax over {@code features} inputs and two classes, as ONNX. */
    static byte[] softmax(int features, long seed) {
        Network network = ModelSpec.parse("softmax").build(new int[] {features}, 2, seed);
        return OnnxExporter.toModel(network, new ExportInfo("toy", List.of("no", "yes"), "toy features"))
                .toByteArray();
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
        return OptionalDouble.empty();
    }

    @Override
    public Path pack(Map<String, byte[]> baseFiles, byte[] onnx, String model, long version, String keyId)
            throws IOException {
        Path directory = Files.createTempDirectory("fogline-fl-pack");
        for (Map.Entry<String, byte[]> file : baseFiles.entrySet()) {
            Files.write(directory.resolve(file.getKey()), file.getValue());
        }
        Files.write(directory.resolve("model.onnx"), onnx);
        Path out = Files.createTempFile("fogline-fl", ".fbundle");
        try {
            BundleWriter.pack(directory, model, version, Instant.now(), Optional.of(key), out);
        } catch (BundleException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    /** Packs a bundle of {@code onnx} with the files a bundle needs, for publishing as a base model. */
    static Path bundle(Path dir, String model, long version, byte[] onnx, SigningKey key) throws IOException {
        Path files = Files.createDirectories(dir.resolve(model + "-" + version));
        Files.write(files.resolve("model.onnx"), onnx);
        Files.writeString(files.resolve("config.json"), "{\"max_batch_size\":8}");
        Files.writeString(files.resolve("labels.txt"), "no\nyes\n");
        Files.writeString(files.resolve("golden.json"), "{\"tolerance\":{\"absolute\":0.001},\"cases\":[]}");
        Files.writeString(files.resolve("reference-stats.json"), "{\"inputs\":{},\"outputs\":{}}");
        Path out = dir.resolve(model + "-" + version + ".fbundle");
        try {
            BundleWriter.pack(files, model, version, Instant.now(), Optional.of(key), out);
        } catch (BundleException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }
}
