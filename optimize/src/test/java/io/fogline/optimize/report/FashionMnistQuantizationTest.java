package io.fogline.optimize.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.optimize.FashionMnistModels;
import io.fogline.optimize.QuantizeJob;
import io.fogline.optimize.quantize.CalibrationMethod;
import io.fogline.optimize.quantize.NodeOutcome;
import io.fogline.optimize.quantize.QuantizationMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fogline's own Fashion-MNIST MLP through the command's entry point: at least 3.5 times smaller and at most one point
 * less accurate on the whole test set, dynamic and static.
 */
class FashionMnistQuantizationTest {

    private static final LatencySettings QUICK = new LatencySettings(1, 5, 50);

    @TempDir
    static Path directory;

    private static Path model;
    private static Path testSet;
    private static Path calibrationSet;

    @BeforeAll
    static void trainAndWriteSamples() throws IOException {
        TrainTest data = FashionMnistModels.data();
        model = FashionMnistModels.train(
                        ModelSpec.parse("mlp:128,64"),
                        TrainingConfig.adam(2, 11),
                        data.train().head(20_000),
                        directory.resolve("mlp.onnx"),
                        TrainingListener.SILENT)
                .file();
        testSet = FashionMnistModels.writeNpy(data.test(), directory.resolve("test"));
        calibrationSet = FashionMnistModels.writeNpy(data.train().head(500), directory.resolve("calibration"));
    }

    @Test
    void dynamicQuantizationMeetsTheSizeAndAccuracyTargets() throws IOException, OrtException {
        QuantizeJob.Options options =
                options(QuantizationMode.DYNAMIC, "mlp-dynamic.onnx").withEvaluation(testSet);

        QuantizationReport report = QuantizeJob.run(options);

        assertMeetsTargets(report);
        assertThat(report.quantizedNodes()).hasSize(3);
        assertThat(report.leftFp32()).isEmpty();
        String json = Files.readString(options.reportFile());
        assertThat(json).contains("\"metric\" : \"accuracy\"", "\"statistic\" : \"median\"", "\"mode\" : \"dynamic\"");
        assertThat(report.toText()).contains("accuracy", "x smaller", "left FP32  none");
    }

    @Test
    void staticQuantizationFromCalibrationMeetsThemToo() throws IOException, OrtException {
        QuantizeJob.Options options = options(QuantizationMode.STATIC, "mlp-static.onnx")
                .withCalibration(calibrationSet)
                .withEvaluation(testSet);

        QuantizationReport report = QuantizeJob.run(options);

        assertMeetsTargets(report);
        assertThat(report.quantizedNodes())
                .allSatisfy(node -> assertThat(node.detail()).contains("calibrated"));
    }

    @Test
    void percentileAndEntropyCalibrationMeetThemAndClipTheRanges() throws IOException, OrtException {
        for (CalibrationMethod method :
                List.of(new CalibrationMethod.Percentile(99.99), new CalibrationMethod.Entropy())) {
            QuantizeJob.Options options = options(QuantizationMode.STATIC, "mlp-" + method.describe() + ".onnx")
                    .withCalibration(calibrationSet)
                    .withEvaluation(testSet)
                    .withCalibrationMethod(method);

            QuantizationReport report = QuantizeJob.run(options);

            assertMeetsTargets(report);
            assertThat(report.mode()).isEqualTo("static " + method.describe());
        }
    }

    /** A model whose report records how it was made reports every step when it is quantized in turn. */
    @Test
    void quantizingTheOutputOfAnOptimizationReportsEveryStep() throws IOException, OrtException {
        Path first = directory.resolve("first.onnx");
        Files.copy(model, first);
        QuantizeJob.run(options(QuantizationMode.DYNAMIC, "second.onnx")
                .withInput(first)
                .withEvaluation(testSet));

        QuantizationReport report = QuantizeJob.run(options(QuantizationMode.DYNAMIC, "third.onnx")
                .withInput(directory.resolve("second.onnx"))
                .withEvaluation(testSet));

        assertThat(report.steps().steps())
                .extracting(StepFigures::step)
                .containsExactly("fp32", "int8 dynamic", "int8 dynamic");
        assertThat(report.toText()).contains("every step so far:");
        assertThat(Files.readString(directory.resolve("third.onnx.report.json")))
                .contains("\"step\" : \"fp32\"", first.toAbsolutePath().toString());
    }

    @Test
    void aSmallCnnQuantizesItsConvolutionsToo() throws IOException, OrtException {
        TrainTest data = FashionMnistModels.data();
        Path cnn = FashionMnistModels.train(
                        ModelSpec.parse("cnn:8,16"),
                        TrainingConfig.adam(1, 12).withLearningRate(2e-3),
                        data.train().head(10_000),
                        directory.resolve("cnn.onnx"),
                        TrainingListener.SILENT)
                .file();
        QuantizeJob.Options options = QuantizeJob.Options.of(
                        cnn, directory.resolve("cnn-dynamic.onnx"), QuantizationMode.DYNAMIC)
                .withEvaluation(testSet);

        QuantizationReport dynamic = QuantizeJob.run(options);
        QuantizationReport calibrated = QuantizeJob.run(
                QuantizeJob.Options.of(cnn, directory.resolve("cnn-static.onnx"), QuantizationMode.STATIC)
                        .withCalibration(calibrationSet)
                        .withEvaluation(testSet));

        for (QuantizationReport report : List.of(dynamic, calibrated)) {
            assertThat(report.quantizedNodes()).extracting(NodeOutcome::opType).containsExactly("Conv", "Conv", "Gemm");
            Quality.Accuracy accuracy = (Quality.Accuracy) report.quality();
            assertThat(accuracy.before()).isGreaterThan(0.75);
            assertThat(accuracy.pointsLost()).isLessThanOrEqualTo(1.0);
        }
        assertThat(dynamic.quantizedNodes().getFirst().detail()).startsWith("ConvInteger");
        assertThat(calibrated.quantizedNodes().getFirst().detail()).startsWith("QLinearConv");
    }

    private static void assertMeetsTargets(QuantizationReport report) {
        assertThat(report.compression()).isGreaterThanOrEqualTo(3.5);
        Quality.Accuracy accuracy = (Quality.Accuracy) report.quality();
        assertThat(accuracy.samples()).isEqualTo(10_000);
        assertThat(accuracy.before()).isGreaterThan(0.8);
        assertThat(accuracy.pointsLost()).isLessThanOrEqualTo(1.0);
        assertThat(report.latencyMillisAfter()).isPositive();
    }

    private static QuantizeJob.Options options(QuantizationMode mode, String output) {
        QuantizeJob.Options defaults = QuantizeJob.Options.of(model, directory.resolve(output), mode);
        return new QuantizeJob.Options(
                defaults.input(),
                defaults.output(),
                mode,
                true,
                defaults.calibration(),
                defaults.calibrationMethod(),
                defaults.evaluation(),
                QUICK,
                defaults.reportJson());
    }
}
