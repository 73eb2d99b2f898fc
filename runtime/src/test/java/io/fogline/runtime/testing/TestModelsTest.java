package io.fogline.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TestModelsTest {

    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    @Test
    void concurrentCallersShareOneRepositoryPerModel() throws Exception {
        Callable<Path> minilm = TestModels::minilm;
        Callable<Path> paddleOcrDet = TestModels::paddleOcrDet;
        List<Callable<Path>> calls = List.of(minilm, paddleOcrDet, minilm, paddleOcrDet, minilm, paddleOcrDet);
        try (ExecutorService executor = Executors.newFixedThreadPool(calls.size())) {
            List<Path> repositories =
                    executor.invokeAll(calls).stream().map(TestModelsTest::get).toList();

            assertThat(repositories.stream().distinct()).hasSize(2);
        }
        assertThat(TestModels.minilm()).endsWith(Path.of("target", "test-models", "minilm"));
        assertThat(TestModels.minilm().resolve("minilm/config.json")).isRegularFile();
        assertThat(TestModels.minilm().resolve("minilm/tokenizer.json")).isRegularFile();
    }

    @Test
    void minilmEmbedsATokenizedSentence() throws Exception {
        // "hello world" as the MiniLM tokenizer writes it: [CLS] hello world [SEP]
        long[] ids = {101, 7592, 2088, 102};
        long[] shape = {1, 4};
        try (OrtSession session = ORT.createSession(modelFile(TestModels.minilm(), "minilm"));
                OnnxTensor inputIds = OnnxTensor.createTensor(ORT, LongBuffer.wrap(ids), shape);
                OnnxTensor mask = OnnxTensor.createTensor(ORT, LongBuffer.wrap(new long[] {1, 1, 1, 1}), shape);
                OnnxTensor types = OnnxTensor.createTensor(ORT, LongBuffer.wrap(new long[4]), shape);
                OrtSession.Result result =
                        session.run(Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types))) {
            float[][][] hidden =
                    (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            assertThat(hidden.length).isEqualTo(1);
            assertThat(hidden[0]).hasNumberOfRows(4);
            assertThat(hidden[0][0]).hasSize(384);
        }
    }

    @Test
    void sileroVadHearsNoSpeechInSilence() throws Exception {
        try (OrtSession session = ORT.createSession(modelFile(TestModels.sileroVad(), "silero-vad"));
                OnnxTensor frame = OnnxTensor.createTensor(ORT, FloatBuffer.allocate(576), new long[] {1, 576});
                OnnxTensor state = OnnxTensor.createTensor(ORT, FloatBuffer.allocate(2 * 128), new long[] {2, 1, 128});
                OnnxTensor rate = OnnxTensor.createTensor(ORT, LongBuffer.wrap(new long[] {16000}), new long[0]);
                OrtSession.Result result = session.run(Map.of("input", frame, "state", state, "sr", rate))) {
            float[][] speech = (float[][]) result.get("output").orElseThrow().getValue();
            assertThat(speech[0][0]).isBetween(0f, 0.1f);
            assertThat(((OnnxTensor) result.get("stateN").orElseThrow())
                            .getInfo()
                            .getShape())
                    .containsExactly(2, 1, 128);
        }
    }

    @Test
    void paddleOcrDetectorMapsAnImageToAProbabilityPerPixel() throws Exception {
        long[] shape = {1, 3, 64, 96};
        try (OrtSession session = ORT.createSession(modelFile(TestModels.paddleOcrDet(), "paddleocr-det"));
                OnnxTensor image = OnnxTensor.createTensor(ORT, FloatBuffer.allocate(3 * 64 * 96), shape);
                OrtSession.Result result = session.run(Map.of("x", image))) {
            OnnxTensor map = (OnnxTensor) result.get("sigmoid_0.tmp_0").orElseThrow();
            assertThat(map.getInfo().getShape()).containsExactly(1, 1, 64, 96);
            FloatBuffer probabilities = map.getFloatBuffer();
            while (probabilities.hasRemaining()) {
                assertThat(probabilities.get()).isBetween(0f, 1f);
            }
        }
    }

    private static String modelFile(Path repository, String model) {
        return repository.resolve(model).resolve("1").resolve("model.onnx").toString();
    }

    private static Path get(Future<Path> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
