package io.fogline.optimize.quantize;

/** When activations get their UINT8 ranges. */
public enum QuantizationMode {
    /** Per call, from the values at hand: no calibration data needed, a little work per call. */
    DYNAMIC,
    /** Once, from calibration samples: fixed ranges in the model, nothing to measure at run time. */
    STATIC
}
