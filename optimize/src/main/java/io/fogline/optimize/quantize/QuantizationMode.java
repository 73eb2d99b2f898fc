package io.fogline.optimize.quantize;

/** When activations get their INT8 ranges. */
public enum QuantizationMode {
    /** Per call, from the values at hand: no calibration data needed. */
    DYNAMIC
}
