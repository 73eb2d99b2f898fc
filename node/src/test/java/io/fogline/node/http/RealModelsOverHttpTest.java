package io.fogline.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.runtime.testing.TestModels;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Real models through the node's HTTP API give the outputs ONNX Runtime gives in-process for the same inputs. */
class RealModelsOverHttpTest {

    private static final float TOLERANCE = 1e-4f;

    @Test
    void miniLmWithInt64InputsAndTwoDynamicDimensions() throws Exception {
        long[] shape = {2, 7};
        long[] ids = {101, 1996, 3899, 2003, 2006, 1996, 102, 101, 7592, 2088, 999, 102, 0, 0};
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
        long[] types = new long[14];
        compare(
                TestModels.minilm(),
                "minilm",
                List.of(
                        Tensor.ofLongs("input_ids", shape, ids),
                        Tensor.ofLongs("attention_mask", shape, mask),
                        Tensor.ofLongs("token_type_ids", shape, types)),
                "last_hidden_state");
    }

    @Test
    void sileroVadWithStateTensorsAndAnInt64Scalar() throws Exception {
        float[] frame = new float[576];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (float) (0.3 * Math.sin(i * 0.07) + 0.05 * (random.nextDouble() - 0.5));
        }
        float[] state = new float[2 * 128];
        compare(
                TestModels.sileroVad(),
                "silero-vad",
                List.of(
                        Tensor.ofFloats("input", new long[] {1, 576}, frame),
                        Tensor.ofFloats("state", new long[] {2, 1, 128}, state),
                        Tensor.ofLongs("sr", new long[] {}, 16000)),
                "output",
                "stateN");
    }

    @Test
    void paddleOcrDetectionOnAFourDimensionalImage() throws Exception {
        float[] image = new float[3 * 64 * 96];
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextDouble(-1, 1);
        }
        compare(
                TestModels.paddleOcrDet(),
                "paddleocr-det",
                List.of(Tensor.ofFloats("x", new long[] {1, 3, 64, 96}, image)),
                "sigmoid_0.tmp_0");
    }

    private static void compare(Path repository, String model, List<Tensor> inputs, String... outputs)
            throws Exception {
        Map<String, float[]> expected = runInProcess(repository.resolve(model).resolve("1/model.onnx"), inputs);
        try (FoglineNode node = FoglineNode.start(
                NodeOptions.defaults(repository).withHost("127.0.0.1").withHttpPort(0))) {
            NodeClient client = new NodeClient(node.port());
            InferenceRequest request =
                    new InferenceRequest("real", Map.of("binary_data_output", true), inputs, List.of());
            InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);
            NodeClient.Reply reply =
                    client.post("/v2/models/" + model + "/infer", encoded.body(), encoded.headerLength());
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            InferenceResponse response = InferenceCodec.decodeResponse(
                    reply.body(), reply.body().length, Integer.parseInt(reply.header(InferenceCodec.HEADER_LENGTH)));
            for (String output : outputs) {
                float[] served = response.output(output).toFloats();
                assertThat(served).as(output).hasSameSizeAs(expected.get(output));
                assertThat(served)
                        .as(output)
                        .containsExactly(expected.get(output), org.assertj.core.data.Offset.offset(TOLERANCE));
            }
        }
    }

    /** ONNX Runtime called directly, as a user would without Fogline. */
    private static Map<String, float[]> runInProcess(Path modelFile, List<Tensor> inputs) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> ortInputs = new HashMap<>();
        try (OrtSession session = environment.createSession(modelFile.toString())) {
            for (Tensor input : inputs) {
                ortInputs.put(
                        input.name(),
                        switch (input.datatype()) {
                            case FP32 ->
                                OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.toFloats()), input.shape());
                            case INT64 ->
                                OnnxTensor.createTensor(environment, LongBuffer.wrap(input.toLongs()), input.shape());
                            default -> throw new IllegalArgumentException(input.toString());
                        });
            }
            Map<String, float[]> outputs = new HashMap<>();
            try (OrtSession.Result result = session.run(ortInputs)) {
                result.forEach(entry -> {
                    FloatBuffer values = ((OnnxTensor) entry.getValue()).getFloatBuffer();
                    float[] array = new float[values.remaining()];
                    values.get(array);
                    outputs.put(entry.getKey(), array);
                });
            }
            return outputs;
        } finally {
            ortInputs.values().forEach(OnnxTensor::close);
        }
    }
}
