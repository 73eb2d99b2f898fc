package io.fogline.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import ai.onnxruntime.ValueInfo;
import io.fogline.core.tensor.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TinyModelsTest {

    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    @TempDir
    Path directory;

    @Test
    void mlpGivesProbabilitiesEqualToAPlainJavaForwardPass() throws Exception {
        TestRepository repository = new TestRepository(directory);
        Path file = TinyModels.mlp(repository.modelFile("mlp", 1), 5, 7, 3, 42);
        assertThat(file).isEqualTo(directory.resolve("mlp/1/model.onnx"));
        int batch = 4;
        float[] input = new float[batch * 5];
        Random random = new Random(7);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        Map<String, float[]> weights = initializers(file);

        float[][] probabilities;
        try (OrtSession session = ORT.createSession(file.toString());
                OnnxTensor tensor = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(input), new long[] {batch, 5});
                OrtSession.Result result = session.run(Map.of("input", tensor))) {
            assertThat(result.get("probabilities")).isPresent();
            probabilities = (float[][]) result.get("probabilities").get().getValue();
        }

        assertThat(probabilities).hasNumberOfRows(batch);
        for (int row = 0; row < batch; row++) {
            float[] expected = forward(weights, input, row, 5, 7, 3);
            assertThat(probabilities[row]).hasSize(3);
            float sum = 0;
            for (int j = 0; j < 3; j++) {
                assertThat(probabilities[row][j]).isCloseTo(expected[j], within(1e-5f));
                sum += probabilities[row][j];
            }
            assertThat(sum).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void mlpWeightsFollowTheSeed() throws IOException {
        Path one = TinyModels.mlp(directory.resolve("one.onnx"), 4, 6, 2, 1);
        Path same = TinyModels.mlp(directory.resolve("same.onnx"), 4, 6, 2, 1);
        Path other = TinyModels.mlp(directory.resolve("other.onnx"), 4, 6, 2, 2);

        assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(same));
        assertThat(Files.readAllBytes(one)).isNotEqualTo(Files.readAllBytes(other));
    }

    @Test
    void mlpHasADynamicBatchDimension() throws Exception {
        Path file = TinyModels.mlp(directory.resolve("mlp.onnx"), 3, 4, 2, 0);
        try (OrtSession session = ORT.createSession(file.toString())) {
            assertThat(shape(session.getInputInfo().get("input").getInfo())).containsExactly(-1, 3);
            assertThat(shape(session.getOutputInfo().get("probabilities").getInfo()))
                    .containsExactly(-1, 2);
        }
    }

    @Test
    void addSumsItsInputs() throws Exception {
        Path file = TinyModels.add(directory.resolve("add.onnx"));
        long[] shape = {2, 3};
        try (OrtSession session = ORT.createSession(file.toString());
                OnnxTensor a = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6}), shape);
                OnnxTensor b = OnnxTensor.createTensor(
                        ORT, FloatBuffer.wrap(new float[] {0.5f, -2, 10, 0, 0.25f, -6}), shape);
                OrtSession.Result result = session.run(Map.of("a", a, "b", b))) {
            assertThat((float[][]) result.get("sum").orElseThrow().getValue())
                    .isEqualTo(new float[][] {{1.5f, 0, 13}, {4, 5.25f, 0}});
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"BOOL", "UINT8", "INT8", "INT16", "INT32", "INT64", "FP16", "BF16", "FP32", "FP64"})
    void identityReturnsEveryByteOfAFixedSizeTensor(DataType datatype) throws Exception {
        Path file = TinyModels.identity(directory.resolve("identity.onnx"), datatype);
        long[] shape = {2, 3};
        ByteBuffer bytes = ByteBuffer.allocateDirect(6 * datatype.byteSize()).order(ByteOrder.nativeOrder());
        Random random = new Random(datatype.ordinal());
        while (bytes.hasRemaining()) {
            // Booleans must be 0 or 1; any pattern will do for the rest, NaNs included, since bytes are compared.
            bytes.put((byte) (datatype == DataType.BOOL ? random.nextInt(2) : random.nextInt()));
        }
        bytes.flip();
        try (OrtSession session = ORT.createSession(file.toString());
                OnnxTensor x = OnnxTensor.createTensor(ORT, bytes.duplicate(), shape, javaType(datatype));
                OrtSession.Result result = session.run(Map.of("x", x))) {
            OnnxTensor y = (OnnxTensor) result.get("y").orElseThrow();
            assertThat(y.getInfo().getShape()).containsExactly(shape);
            assertThat(y.getByteBuffer()).isEqualTo(bytes);
        }
    }

    @Test
    void identityReturnsStrings() throws Exception {
        Path file = TinyModels.identity(directory.resolve("identity.onnx"), DataType.BYTES);
        String[] values = {"", "fog", "ünïcødé", "a longer string than the others"};
        try (OrtSession session = ORT.createSession(file.toString());
                OnnxTensor x = OnnxTensor.createTensor(ORT, values, new long[] {2, 2});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            assertThat((String[][]) result.get("y").orElseThrow().getValue())
                    .isEqualTo(new String[][] {{"", "fog"}, {"ünïcødé", "a longer string than the others"}});
        }
    }

    /**
     * ONNX Runtime runs unsigned 16-, 32- and 64-bit tensors, but its Java API has no such element types: it offers
     * the signed twin, whose tensors the session then refuses. An engine on that API must refuse these datatypes;
     * should the API learn them, this test fails and the engine can support them.
     */
    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"UINT16", "UINT32", "UINT64"})
    void identityOfAnUnsignedWideTypeLoadsButTheJavaApiCannotFeedIt(DataType datatype) throws Exception {
        Path file = TinyModels.identity(directory.resolve("identity.onnx"), datatype);
        try (OrtSession session = ORT.createSession(file.toString())) {
            TensorInfo x = (TensorInfo) session.getInputInfo().get("x").getInfo();
            assertThat(x.onnxType).isEqualTo(OnnxTensorType.valueOf("ONNX_TENSOR_ELEMENT_DATA_TYPE_" + datatype));
            ByteBuffer bytes = ByteBuffer.allocateDirect(2 * datatype.byteSize());
            try (OnnxTensor signed = OnnxTensor.createTensor(ORT, bytes, new long[] {1, 2}, x.type)) {
                assertThatThrownBy(() -> session.run(Map.of("x", signed)))
                        .isInstanceOf(OrtException.class)
                        .hasMessageContaining("Unexpected input data type");
            }
        }
    }

    private static OnnxJavaType javaType(DataType datatype) {
        return switch (datatype) {
            case BOOL -> OnnxJavaType.BOOL;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case FP16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case FP32 -> OnnxJavaType.FLOAT;
            case FP64 -> OnnxJavaType.DOUBLE;
            default -> throw new IllegalArgumentException(datatype + " has no ONNX Runtime Java type");
        };
    }

    private static long[] shape(ValueInfo info) {
        return ((TensorInfo) info).getShape();
    }

    /** Reads the initializers back from the file, so the forward pass checks the graph, not the generator. */
    private static Map<String, float[]> initializers(Path file) throws IOException {
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = ModelProto.parseFrom(in);
        }
        Map<String, float[]> weights = new HashMap<>();
        for (TensorProto tensor : model.getGraph().getInitializerList()) {
            FloatBuffer values = tensor.getRawData()
                    .asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            float[] array = new float[values.remaining()];
            values.get(array);
            weights.put(tensor.getName(), array);
        }
        return weights;
    }

    private static float[] forward(
            Map<String, float[]> weights, float[] input, int row, int inputs, int hidden, int outputs) {
        double[] h = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double sum = weights.get("b1")[j];
            for (int i = 0; i < inputs; i++) {
                sum += input[row * inputs + i] * weights.get("w1")[i * hidden + j];
            }
            h[j] = Math.max(0, sum);
        }
        double[] logits = new double[outputs];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < outputs; k++) {
            double sum = weights.get("b2")[k];
            for (int j = 0; j < hidden; j++) {
                sum += h[j] * weights.get("w2")[j * outputs + k];
            }
            logits[k] = sum;
            max = Math.max(max, sum);
        }
        double total = 0;
        for (int k = 0; k < outputs; k++) {
            logits[k] = Math.exp(logits[k] - max);
            total += logits[k];
        }
        float[] probabilities = new float[outputs];
        for (int k = 0; k < outputs; k++) {
            probabilities[k] = (float) (logits[k] / total);
        }
        return probabilities;
    }
}
