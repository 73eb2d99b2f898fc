package io.fogline.bench.serving;

import io.fogline.core.tensor.Tensor;
import io.fogline.fetch.FetchListener;
import io.fogline.fetch.ModelFetcher;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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
        TestRepository repository = new TestRepository(root);
        // One seed for all three, so that only the configuration differs between them.
        for (String model : List.of(TINY, TINY_BATCHING_OFF, TINY_BATCHING_ON)) {
            TinyModels.mlp(repository.modelFile(model, 1), TINY_INPUTS, TINY_HIDDEN, TINY_OUTPUTS, 7);
        }
        if (tinyConfig != null) {
            repository.config(TINY, tinyConfig);
        }
        repository.config(TINY_BATCHING_OFF, TINY_BATCHING_OFF_CONFIG);
        repository.config(TINY_BATCHING_ON, TINY_BATCHING_ON_CONFIG);
        fetchMiniLm(root);
        return root;
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
        return ModelConfig.read(repository.resolve(model)).intraOpThreadsOrDefault();
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
