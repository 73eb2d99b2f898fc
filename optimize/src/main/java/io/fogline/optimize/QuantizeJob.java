package io.fogline.optimize;

import ai.onnxruntime.OrtException;
import io.fogline.optimize.quantize.CalibrationMethod;
import io.fogline.optimize.quantize.QuantizationMode;
import io.fogline.optimize.quantize.QuantizationOptions;
import io.fogline.optimize.quantize.QuantizationResult;
import io.fogline.optimize.quantize.Quantizer;
import io.fogline.optimize.report.LatencySettings;
import io.fogline.optimize.report.QuantizationReport;
import io.fogline.optimize.report.QuantizationReporter;
import io.fogline.optimize.report.StepChain;
import io.fogline.optimize.samples.NpySamples;
import io.fogline.optimize.samples.SampleSet;
import io.fogline.optimize.samples.SyntheticSamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code fogline optimize quantize}: quantizes a model to INT8, measures the result against the original (and every
 * earlier step recorded beside it) and writes the report as JSON beside the quantized model.
 */
public final class QuantizeJob {

    /** Samples drawn when neither evaluation nor calibration samples were given. */
    private static final int SYNTHETIC_SAMPLES = 64;

    /**
     * @param input the FP32 model
     * @param output where the quantized model goes
     * @param mode dynamic or static activation quantization
     * @param perChannel one weight scale per output channel rather than per tensor
     * @param calibration a directory of {@code <input name>.npy} files (see {@link NpySamples}); required for static
     * @param calibrationMethod how static mode turns the calibration samples into ranges
     * @param evaluation samples to measure latency and quality on, labelled with {@code labels.npy} for accuracy;
     *     defaults to the calibration samples, then to random inputs
     * @param latency how latency is measured
     * @param reportJson where the JSON report goes; defaults to {@code <output>.report.json}
     */
    public record Options(
            Path input,
            Path output,
            QuantizationMode mode,
            boolean perChannel,
            Optional<Path> calibration,
            CalibrationMethod calibrationMethod,
            Optional<Path> evaluation,
            LatencySettings latency,
            Optional<Path> reportJson) {

        public static Options of(Path input, Path output, QuantizationMode mode) {
            return new Options(
                    input,
                    output,
                    mode,
                    true,
                    Optional.empty(),
                    CalibrationMethod.MIN_MAX,
                    Optional.empty(),
                    LatencySettings.defaults(),
                    Optional.empty());
        }

        public Options withInput(Path model) {
            return new Options(
                    model, output, mode, perChannel, calibration, calibrationMethod, evaluation, latency, reportJson);
        }

        public Options withCalibration(Path directory) {
            return new Options(
                    input,
                    output,
                    mode,
                    perChannel,
                    Optional.of(directory),
                    calibrationMethod,
                    evaluation,
                    latency,
                    reportJson);
        }

        public Options withCalibrationMethod(CalibrationMethod method) {
            return new Options(input, output, mode, perChannel, calibration, method, evaluation, latency, reportJson);
        }

        public Options withEvaluation(Path directory) {
            return new Options(
                    input,
                    output,
                    mode,
                    perChannel,
                    calibration,
                    calibrationMethod,
                    Optional.of(directory),
                    latency,
                    reportJson);
        }

        /** How the report names the quantization: the mode, and for static mode a calibration other than min-max. */
        public String label() {
            String name = mode.name().toLowerCase(Locale.ROOT);
            return mode == QuantizationMode.STATIC && !(calibrationMethod instanceof CalibrationMethod.MinMax)
                    ? name + " " + calibrationMethod.describe()
                    : name;
        }

        public Path reportFile() {
            return reportJson.orElse(StepChain.reportFile(output));
        }
    }

    private QuantizeJob() {}

    public static QuantizationReport run(Options options) throws IOException, OrtException {
        Optional<SampleSet> calibration = options.calibration().isPresent()
                ? Optional.of(NpySamples.read(options.calibration().get()))
                : Optional.empty();
        if (options.mode() == QuantizationMode.STATIC && calibration.isEmpty()) {
            throw new IllegalArgumentException("static quantization needs --calibration DIR");
        }
        QuantizationOptions quantization =
                new QuantizationOptions(options.mode(), options.perChannel(), calibration, options.calibrationMethod());
        QuantizationResult result = Quantizer.quantize(options.input(), options.output(), quantization);
        SampleSet evaluation;
        if (options.evaluation().isPresent()) {
            evaluation = NpySamples.read(options.evaluation().get());
        } else if (calibration.isPresent()) {
            evaluation = calibration.get();
        } else {
            evaluation = SyntheticSamples.forModel(options.input(), SYNTHETIC_SAMPLES, 1);
        }
        QuantizationReport report = QuantizationReporter.measure(
                StepChain.leadingTo(options.input(), "fp32"),
                options.output(),
                options.label(),
                result.outcomes(),
                evaluation,
                options.latency());
        Files.writeString(options.reportFile(), report.toJson(), StandardCharsets.UTF_8);
        return report;
    }
}
