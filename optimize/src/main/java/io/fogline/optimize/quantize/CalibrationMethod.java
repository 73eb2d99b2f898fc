package io.fogline.optimize.quantize;

import java.util.Locale;

/**
 * How static quantization turns what an activation did on the calibration samples into its UINT8 range. Min-max keeps
 * every value representable, so one outlier stretches the steps for all the others; percentile and entropy clip the
 * rare extremes to give the common values finer steps.
 */
public sealed interface CalibrationMethod {

    /** The smallest and largest value seen. */
    record MinMax() implements CalibrationMethod {}

    /**
     * The values between the {@code (100 - percent)}th and the {@code percent}th percentile of everything seen.
     *
     * @param percent in (50, 100], e.g. 99.99
     */
    record Percentile(double percent) implements CalibrationMethod {
        public Percentile {
            if (!(percent > 50 && percent <= 100)) {
                throw new IllegalArgumentException("a percentile must be in (50, 100], not " + percent);
            }
        }
    }

    /**
     * The clipping threshold whose quantized histogram loses the least information about the observed one: the one
     * that minimises the Kullback-Leibler divergence between the two (the method of TensorRT's entropy calibrator).
     */
    record Entropy() implements CalibrationMethod {}

    CalibrationMethod MIN_MAX = new MinMax();

    /** Parses {@code minmax}, {@code entropy}, {@code percentile} (99.99) or {@code percentile=P}. */
    static CalibrationMethod parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        if (name.equals("minmax")) {
            return MIN_MAX;
        }
        if (name.equals("entropy")) {
            return new Entropy();
        }
        if (name.equals("percentile")) {
            return new Percentile(99.99);
        }
        if (name.startsWith("percentile=")) {
            try {
                return new Percentile(Double.parseDouble(name.substring("percentile=".length())));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException(
                "unknown calibration method '" + text + "': expected minmax, percentile, percentile=P or entropy");
    }

    /** The name the command line and the reports use. */
    default String describe() {
        return switch (this) {
            case MinMax ignored -> "minmax";
            case Percentile percentile -> "percentile=" + percentile.percent();
            case Entropy ignored -> "entropy";
        };
    }
}
