package io.fogline.optimize.quantize;

import io.fogline.optimize.samples.SampleSet;
import java.util.Optional;

/**
 * @param mode dynamic or static activation quantization
 * @param perChannel one weight scale per output channel (more accurate, same size) instead of one per tensor
 * @param calibration the samples static quantization takes activation ranges from; empty for dynamic
 */
public record QuantizationOptions(QuantizationMode mode, boolean perChannel, Optional<SampleSet> calibration) {

    public QuantizationOptions {
        if (mode == QuantizationMode.STATIC && calibration.isEmpty()) {
            throw new IllegalArgumentException("static quantization needs calibration samples");
        }
    }

    public static QuantizationOptions dynamic() {
        return new QuantizationOptions(QuantizationMode.DYNAMIC, true, Optional.empty());
    }

    public static QuantizationOptions calibrated(SampleSet calibration) {
        return new QuantizationOptions(QuantizationMode.STATIC, true, Optional.of(calibration));
    }
}
