package io.fogline.optimize.quantize;

import static io.fogline.optimize.TestModels.opTypes;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import io.fogline.optimize.TestModels;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizerTest {

    private static final int BATCH = 16;

    /**
     * Weights that meet uint8 activations keep 7 bits ({@link Int8Weights.Range#INTEGER_PRODUCT}): half a step is
     * 1/126 of a channel's largest weight, and the error of a sum of a few dozen such products stays near 2-3% of
     * the largest output.
     */
    private static final double SEVEN_BIT_WEIGHTS = 0.03;

    @Test
    void dynamicMatMulRunsInIntegersAndStaysClose() throws OrtException {
        ModelProto model = TestModels.matMul(64, 32, 13, 1);

        QuantizationResult result = Quantizer.quantize(model, QuantizationOptions.dynamic());

        assertThat(opTypes(result.model()))
                .containsExactly("DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul");
        assertThat(weightTypes(result.model())).doesNotContain(TensorProto.DataType.FLOAT_VALUE + ":W");
        assertThat(result.quantized()).singleElement().satisfies(node -> {
            assertThat(node.opType()).isEqualTo("MatMul");
            assertThat(node.detail()).contains("per channel (32 scales)");
        });
        assertClose(model, result.model(), 64, SEVEN_BIT_WEIGHTS);
    }

    @Test
    void gemmFoldsTransposeAlphaAndBeta() throws OrtException {
        ModelProto model = TestModels.gemm(48, 24, true, 0.5f, 2f, 2);

        ModelProto quantized =
                Quantizer.quantize(model, QuantizationOptions.dynamic()).model();

        assertThat(opTypes(quantized)).contains("MatMulInteger", "Add").doesNotContain("Gemm");
        assertClose(model, quantized, 48, SEVEN_BIT_WEIGHTS);
    }

    @Test
    void perTensorWeightsAlsoWork() throws OrtException {
        ModelProto model = TestModels.gemm(32, 16, false, 1f, 1f, 3);

        QuantizationResult result = Quantizer.quantize(
                model, new QuantizationOptions(QuantizationMode.DYNAMIC, false, java.util.Optional.empty()));

        assertThat(result.quantized().getFirst().detail()).contains("per tensor");
        assertClose(model, result.model(), 32, 0.03);
    }

    @Test
    void embeddingTablesAreStoredInInt8AndGatheredRowsDequantized() throws OrtException {
        ModelProto model = TestModels.gather(100, 16, 4);
        long[] ids = {0, 5, 99, 42, 42, 7};

        ModelProto quantized =
                Quantizer.quantize(model, QuantizationOptions.dynamic()).model();

        assertThat(opTypes(quantized)).containsExactly("Gather", "DequantizeLinear");
        float[] expected = TestModels.runIds(model, "ids", ids, 2, 3);
        float[] actual = TestModels.runIds(quantized, "ids", ids, 2, 3);
        assertThat(maxError(expected, actual) / maxAbs(expected)).isLessThan(0.01);
        assertThat(quantized.getSerializedSize()).isLessThan(model.getSerializedSize() / 3);
    }

    @Test
    void convolutionsRunInIntegersPerOutputChannel() throws OrtException {
        ModelProto model = TestModels.conv(3, 8, 10);
        float[] x = uniforms(BATCH * 3 * 36, new SplittableRandom(11));

        QuantizationResult result = Quantizer.quantize(model, QuantizationOptions.dynamic());

        assertThat(opTypes(result.model())).contains("ConvInteger", "Add").doesNotContain("Conv");
        assertThat(result.quantized().getFirst().detail()).contains("per channel (8 scales)");
        float[] expected = TestModels.run(model, "x", x, BATCH, 3, 6, 6);
        float[] actual = TestModels.run(result.model(), "x", x, BATCH, 3, 6, 6);
        assertThat(maxError(expected, actual) / maxAbs(expected)).isLessThan(0.03);
    }

    @Test
    void calibratedConvolutionsUseQLinearConv() throws OrtException {
        ModelProto model = TestModels.conv(3, 8, 12);
        float[] x = uniforms(BATCH * 3 * 36, new SplittableRandom(14));
        // Calibrated on the very inputs it is checked on, so that no output falls outside its range and is clipped.
        List<Sample> calibration = new ArrayList<>();
        for (int s = 0; s < BATCH; s++) {
            float[] one = Arrays.copyOfRange(x, s * 3 * 36, (s + 1) * 3 * 36);
            calibration.add(new Sample(Map.of("x", new InputTensor.Floats(new long[] {1, 3, 6, 6}, one))));
        }

        QuantizationResult result =
                Quantizer.quantize(model, QuantizationOptions.calibrated(SampleSet.unlabelled(calibration)));

        assertThat(opTypes(result.model())).containsExactly("QuantizeLinear", "QLinearConv", "DequantizeLinear");
        float[] expected = TestModels.run(model, "x", x, BATCH, 3, 6, 6);
        float[] actual = TestModels.run(result.model(), "x", x, BATCH, 3, 6, 6);
        assertThat(maxError(expected, actual) / maxAbs(expected)).isLessThan(0.03);
    }

    @Test
    void opsItCannotQuantizeAreNamedAndLeftWorkingInFp32() throws OrtException {
        ModelProto model = TestModels.withConvTranspose(5);
        float[] x = {0.5f, -1f, 2f, 0.25f};

        QuantizationResult result = Quantizer.quantize(model, QuantizationOptions.dynamic());

        assertThat(result.quantized()).extracting(NodeOutcome::node).containsExactly("project");
        assertThat(result.leftFp32()).singleElement().satisfies(node -> {
            assertThat(node.node()).isEqualTo("upsample");
            assertThat(node.opType()).isEqualTo("ConvTranspose");
            assertThat(node.detail()).contains("does not quantize ConvTranspose", "8 FP32 weights stay");
        });
        float[] expected = TestModels.run(model, "x", x, 1, 4);
        float[] actual = TestModels.run(result.model(), "x", x, 1, 4);
        assertThat(maxError(expected, actual) / maxAbs(expected)).isLessThan(0.03);
    }

    @Test
    void customOperatorsAreReportedWithTheirDomain() throws OrtException {
        QuantizationResult result = Quantizer.quantize(TestModels.withCustomOp(), QuantizationOptions.dynamic());

        assertThat(result.leftFp32())
                .singleElement()
                .hasToString("com.example:Mystery 'mystery': left FP32, Fogline does not quantize com.example:Mystery"
                        + " nodes (64 FP32 weights stay)");
        assertThat(opTypes(result.model())).endsWith("Mystery");
    }

    @Test
    void oldOpsetsKeepTheirMatMulsWithAReason() throws OrtException {
        ModelProto model = TestModels.matMul(8, 8, 9, 6);

        QuantizationResult result = Quantizer.quantize(model, QuantizationOptions.dynamic());

        assertThat(result.model()).isEqualTo(model);
        assertThat(result.leftFp32()).singleElement().satisfies(node -> assertThat(node.detail())
                .startsWith("opset 9 lacks the integer operators (opset 11)"));
    }

    @Test
    void staticQuantizationUsesCalibratedRangesAndStaysClose() throws OrtException {
        ModelProto model = TestModels.gemm(64, 32, false, 1f, 1f, 7);
        SplittableRandom random = new SplittableRandom(8);
        List<Sample> calibration = new ArrayList<>();
        for (int s = 0; s < 32; s++) {
            calibration.add(new Sample(Map.of("x", new InputTensor.Floats(new long[] {1, 64}, uniforms(64, random)))));
        }

        QuantizationResult result =
                Quantizer.quantize(model, QuantizationOptions.calibrated(SampleSet.unlabelled(calibration)));

        assertThat(opTypes(result.model())).startsWith("QuantizeLinear").doesNotContain("DynamicQuantizeLinear");
        assertThat(result.quantized().getFirst().detail()).contains("calibrated to [0");
        assertClose(model, result.model(), 64, 0.03);
    }

    @Test
    void aWeightSharedByTwoNodesIsStoredOnce() throws OrtException {
        ModelProto single = TestModels.matMul(16, 16, 13, 9);
        var graph = single.getGraph().toBuilder()
                .setOutput(0, single.getGraph().getOutput(0).toBuilder().setName("z"))
                .addNode(single.getGraph().getNode(0).toBuilder()
                        .setName("again")
                        .setInput(0, "y")
                        .setOutput(0, "z"));
        ModelProto twice = single.toBuilder().setGraph(graph).build();

        ModelProto quantized =
                Quantizer.quantize(twice, QuantizationOptions.dynamic()).model();

        assertThat(quantized.getGraph().getInitializerList())
                .filteredOn(
                        tensor -> tensor.getDataType() == TensorProto.DataType.INT8_VALUE && tensor.getDimsCount() == 2)
                .hasSize(1);
        assertThat(opTypes(quantized)).filteredOn("MatMulInteger"::equals).hasSize(2);
    }

    private static void assertClose(ModelProto fp32, ModelProto int8, int inputs, double relativeError)
            throws OrtException {
        float[] x = uniforms(BATCH * inputs, new SplittableRandom(42));
        float[] expected = TestModels.run(fp32, "x", x, BATCH, inputs);
        float[] actual = TestModels.run(int8, "x", x, BATCH, inputs);
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(maxError(expected, actual) / maxAbs(expected)).isLessThan(relativeError);
    }

    private static List<String> weightTypes(ModelProto model) {
        return model.getGraph().getInitializerList().stream()
                .map(tensor -> tensor.getDataType() + ":" + tensor.getName())
                .toList();
    }

    private static float[] uniforms(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            values[k] = random.nextFloat();
        }
        return values;
    }

    private static double maxError(float[] expected, float[] actual) {
        double worst = 0;
        for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        }
        return worst;
    }

    private static double maxAbs(float[] values) {
        double largest = 0;
        for (float value : values) {
            largest = Math.max(largest, Math.abs(value));
        }
        return largest;
    }
}
