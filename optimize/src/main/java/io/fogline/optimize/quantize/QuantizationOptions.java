package io.fogline.optimize.quantize;

import io.fogline.optimize.samples.SampleSet;
import java.util.Optional;

/**
 * @param mode dynamic or static activation quantization
 * @param perChannel one weight scale per output channel (more accurate, same size) instead of one per tensor
 * @param calibration the samples static quantization takes activation ranges from; empty for dynamic
 * @param calibrationMethod how those samples become ranges
 */
public record QuantizationOptions(
        QuantizationMode mode,
        boolean perChannel,
        Optional<SampleSet> calibration,
        CalibrationMethod calibrationMethod) {

    public QuantizationOptions {
        if (mode == QuantizationMode.STATIC && calibration.isEmpty()) {
            throw new IllegalArgumentException("static quantization needs calibration samples");
        }
    }

    public QuantizationOptions(QuantizationMode mode, boolean perChannel, Optional<SampleSet> calibration) {
        this(mode, perChannel, calibration, CalibrationMethod.MIN_MAX);
    }

    public QuantizationOptions withCalibrationMethod(CalibrationMethod method) {
        return new QuantizationOptions(mode, perChannel, calibration, method);
    }

    public static QuantizationOptions dynamic() {
        return new QuantizationOptions(QuantizationMode.DYNAMIC, true, Optional.empty());
    }

    public static QuantizationOptions calibrated(SampleSet calibration) {
        return new QuantizationOptions(QuantizationMode.STATIC, true, Optional.of(calibration));
    }
}
