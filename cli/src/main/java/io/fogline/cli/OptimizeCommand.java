package io.fogline.cli;

import io.fogline.optimize.QuantizeJob;
import io.fogline.optimize.quantize.CalibrationMethod;
import io.fogline.optimize.quantize.QuantizationMode;
import io.fogline.optimize.report.QuantizationReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline optimize}: makes models smaller and faster for the device, and says what it cost. */
@Command(
        name = "optimize",
        mixinStandardHelpOptions = true,
        description = "Shrink models for the edge.",
        subcommands = {OptimizeCommand.Quantize.class, DistillCommand.class, PruneCommand.class})
final class OptimizeCommand {

    /** {@code fogline optimize quantize}: INT8 quantization with a size, latency and quality report. */
    @Command(
            name = "quantize",
            mixinStandardHelpOptions = true,
            description = "Quantize an ONNX model's weights (and, static, its activations) to INT8, then report size,"
                    + " latency and quality before and after.")
    static final class Quantize implements Callable<Integer> {

        @Option(names = "--in", required = true, description = "The FP32 ONNX model.")
        Path input;

        @Option(names = "--out", required = true, description = "Where the INT8 model goes.")
        Path output;

        @Option(
                names = "--mode",
                defaultValue = "dynamic",
                description = "dynamic or static (default ${DEFAULT-VALUE}).")
        QuantizationMode mode;

        @Option(names = "--calibration", description = "Directory of <input>.npy calibration samples (static mode).")
        Path calibration;

        @Option(
                names = "--calibration-method",
                defaultValue = "minmax",
                description = "How static mode turns the calibration samples into activation ranges: minmax,"
                        + " percentile (99.99), percentile=P or entropy (default ${DEFAULT-VALUE}).")
        String calibrationMethod;

        @Option(names = "--evaluation", description = "Directory of <input>.npy samples, with labels.npy for accuracy.")
        Path evaluation;

        @Override
        public Integer call() throws Exception {
            QuantizeJob.Options options = QuantizeJob.Options.of(input, output, mode)
                    .withCalibrationMethod(CalibrationMethod.parse(calibrationMethod));
            if (calibration != null) {
                options = options.withCalibration(calibration);
            }
            if (evaluation != null) {
                options = options.withEvaluation(evaluation);
            }
            QuantizationReport report = QuantizeJob.run(options);
            System.out.println(report.toText());
            System.out.println("report written to " + options.reportFile());
            return 0;
        }
    }
}
