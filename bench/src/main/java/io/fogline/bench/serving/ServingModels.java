package io.fogline.bench.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.core.tensor.Tensor;
import io.fogline.fetch.FetchListener;
import io.fogline.fetch.ModelFetcher;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.runtime.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The models of the serving benchmark, written as model repositories, and the request each of their clients sends. */
final class ServingModels {

    /**
     * The tiny MLP with no config.json unless the benchmark is given one: what the node does with it by default
     * (dynamic batching, up to 8 rows).
     */
    static final String TINY = "mlp";

    static final String TINY_BATCHING_OFF = "mlp-batching-off";
    static final String TINY_BATCHING_ON = "mlp-batching-on";
    static final String TINY_BATCHING_OFF_CONFIG = "{\"max_batch_size\": 8}";
    static final String TINY_BATCHING_ON_CONFIG = "{\"max_batch_size\": 64, \"dynamic_batching\": {}}";

    /** all-MiniLM-L6-v2 FP32 with the config the model fetcher ships for it. */
    static final String MINILM = "minilm";

    /** The same model file with that config less {@code dynamic_batching}: each request runs alone. */
    static final String MINILM_BATCHING_OFF = "minilm-batching-off";

    static final int TINY_INPUTS = 64;
    static final int TINY_HIDDEN = 128;
    static final int TINY_OUTPUTS = 10;
    static final int MINILM_TOKENS = 32;

    private ServingModels() {}

    /**
     * The tiny MLP in its three configurations and MiniLM, under {@code root}.
     *
     * @param tinyConfig a config.json for {@link #TINY}, to try a setting against the default; null for none
     */
    static Path servingRepository(Path root, String tinyConfig) throws IOException {
        // One seed for all three, so that only the configuration differs between them.
        for (String model : List.of(TINY, TINY_BATCHING_OFF, TINY_BATCHING_ON)) {
            writeTinyMlp(modelFile(root, model));
        }
        if (tinyConfig != null) {
            Files.writeString(root.resolve(TINY).resolve("config.json"), tinyConfig);
        }
        Files.writeString(root.resolve(TINY_BATCHING_OFF).resolve("config.json"), TINY_BATCHING_OFF_CONFIG);
        Files.writeString(root.resolve(TINY_BATCHING_ON).resolve("config.json"), TINY_BATCHING_ON_CONFIG);
        fetchMiniLm(root);
        withoutDynamicBatching(root.resolve(MINILM), root.resolve(MINILM_BATCHING_OFF));
        return root;
    }

    /** A freshly initialised MLP 64 → 128 → 10 (ReLU, softmax), as Fogline's trainer exports it. */
    private static void writeTinyMlp(Path file) throws IOException {
        OnnxExporter.write(
                ModelSpec.parse("mlp:" + TINY_HIDDEN).build(new int[] {TINY_INPUTS}, TINY_OUTPUTS, 7),
                new ExportInfo(
                        "tiny-mlp",
                        IntStream.range(0, TINY_OUTPUTS)
                                .mapToObj(Integer::toString)
                                .toList(),
                        "random features"),
                file);
    }

    /** A copy of a model directory, its files linked, whose config.json has no {@code dynamic_batching}. */
    private static void withoutDynamicBatching(Path model, Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(model)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(model.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().equals("config.json")) {
                    Files.createLink(target, file);
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config =
                (ObjectNode) json.readTree(model.resolve("config.json").toFile());
        config.remove("dynamic_batching");
        json.writeValue(copy.resolve("config.json").toFile(), config);
    }

    /** MiniLM alone, as a node that starts with only it sees the repository. */
    static Path startupRepository(Path root) throws IOException {
        fetchMiniLm(root);
        return root;
    }

    private static void fetchMiniLm(Path root) throws IOException {
        // The fetcher takes the model from the local Maven repository, where this module's dependencies put it.
        new ModelFetcher(root, FetchListener.SILENT).fetch(MINILM);
    }

    static Path modelFile(Path repository, String model) {
        return repository.resolve(model).resolve("1").resolve("model.onnx");
    }

    /** The intra-op thread setting the node gives the model, for the raw ONNX Runtime peer to use the same. */
    static int intraOpThreads(Path repository, String model) {
        return ModelConfig.read(repository.resolve(model))
                .intraOpThreadsOrDefault(Runtime.getRuntime().availableProcessors());
    }

    /** One row of 64 random features in [0, 1). */
    static List<Tensor> tinyInputs() {
        SplittableRandom random = new SplittableRandom(1);
        float[] features = new float[TINY_INPUTS];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextDouble();
        }
        return List.of(Tensor.ofFloats("input", new long[] {1, TINY_INPUTS}, features));
    }

    /** One sentence of 32 tokens: [CLS], 30 word pieces from the vocabulary, [SEP]; one segment, nothing masked. */
    static List<Tensor> miniLmInputs() {
        SplittableRandom random = new SplittableRandom(1);
        long[] ids = new long[MINILM_TOKENS];
        ids[0] = 101;
        for (int i = 1; i < ids.length - 1; i++) {
            ids[i] = random.nextLong(1_000, 30_000);
        }
        ids[ids.length - 1] = 102;
        long[] mask = new long[MINILM_TOKENS];
        Arrays.fill(mask, 1);
        long[] shape = {1, MINILM_TOKENS};
        return List.of(
                Tensor.ofLongs("input_ids", shape, ids),
                Tensor.ofLongs("attention_mask", shape, mask),
                Tensor.ofLongs("token_type_ids", shape, new long[MINILM_TOKENS]));
    }
}
