package io.fogline.optimize.quantize;

/**
 * The smallest and largest value an activation took over the calibration samples, and the asymmetric UINT8
 * quantization that covers it. The range is widened to include 0 so that zero, which padding and ReLU produce often,
 * is represented exactly.
 */
public record ActivationRange(float min, float max) {

    static final int LEVELS = 255;

    public ActivationRange {
        if (!(min <= max)) {
            throw new IllegalArgumentException("an activation range needs min <= max, not " + min + ", " + max);
        }
    }

    public ActivationRange including(float value) {
        return new ActivationRange(Math.min(min, value), Math.max(max, value));
    }

    public float scale() {
        float width = Math.max(max, 0f) - Math.min(min, 0f);
        return width > 0 ? width / LEVELS : 1f;
    }

    public int zeroPoint() {
        return Math.clamp(Math.round(-Math.min(min, 0f) / scale()), 0, LEVELS);
    }
}
