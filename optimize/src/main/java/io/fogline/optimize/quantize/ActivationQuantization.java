package io.fogline.optimize.quantize;

import java.util.Optional;

/** How the float input of a quantized MatMul becomes UINT8: per call, or with a range fixed by calibration. */
sealed interface ActivationQuantization permits DynamicActivations, CalibratedActivations {

    /** The names of one activation's quantized values, scale and zero point. */
    record Names(String values, String scale, String zeroPoint) {}

    /** The lowest default-domain opset that has the operators this needs. */
    long minOpset();

    /** Why {@code activation} cannot be quantized this way, or null when it can. */
    String obstacle(String activation);

    /** Adds what quantizes {@code activation} (once, however many nodes read it) and names its outputs. */
    Names quantize(String activation);

    String describe(String activation);

    /** The range calibration observed for {@code value}, when there was calibration. */
    Optional<ActivationRange> calibratedRange(String value);
}
