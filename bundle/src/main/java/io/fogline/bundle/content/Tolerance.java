package io.fogline.bundle.content;

/** How far a floating-point output may stray from the expected value: {@code absolute + relative * |expected|}. */
public record Tolerance(double absolute, double relative) {

    public static final Tolerance DEFAULT = new Tolerance(1e-4, 1e-3);

    public Tolerance {
        if (!(absolute >= 0) || !(relative >= 0)) {
            throw new IllegalArgumentException("tolerances must be zero or more, not " + absolute + " and " + relative);
        }
    }

    boolean accepts(double actual, double expected) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            return Double.compare(actual, expected) == 0;
        }
        return Math.abs(actual - expected) <= absolute + relative * Math.abs(expected);
    }
}
