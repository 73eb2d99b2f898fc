package io.fogline.optimize.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActivationHistogramTest {

    @Test
    void percentilesOfUniformValues() {
        ActivationHistogram histogram = new ActivationHistogram(0, 10);
        float[] values = new float[100_001];
        for (int k = 0; k < values.length; k++) {
            values[k] = 10f * k / (values.length - 1);
        }
        histogram.add(values, false);

        assertThat(histogram.quantile(0.99)).isCloseTo(9.9f, within(0.01f));
        assertThat(histogram.quantile(0.01)).isCloseTo(0.1f, within(0.01f));
        assertThat(histogram.quantile(1.0)).isEqualTo(10f);
    }

    /** A handful of outliers far out stretch a min-max range forty-fold; entropy keeps the bulk of the values. */
    @Test
    void entropyClipsRareOutliersAndKeepsTheBulk() {
        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[200_000];
        for (int k = 0; k < values.length; k++) {
            values[k] = (float) Math.abs(random.nextGaussian());
        }
        for (int k = 0; k < 5; k++) {
            values[k] = 200;
        }
        ActivationHistogram histogram = new ActivationHistogram(0, 200);
        histogram.add(values, true);

        float threshold = histogram.entropyThreshold(255);

        assertThat(threshold).isBetween(3f, 20f);
    }

    /**
     * ReLU outputs: most values exactly zero, the rest spread to a few units. The zeros quantize exactly at any
     * threshold, so they must not pull it down: it keeps the bulk of the nonzero values, as without the zeros.
     */
    @Test
    void entropyIsNotPulledDownByTheExactZerosOfAReLU() {
        SplittableRandom random = new SplittableRandom(2);
        float[] values = new float[200_000];
        for (int k = 0; k < values.length; k++) {
            values[k] = k % 10 < 7 ? 0 : (float) Math.abs(random.nextGaussian());
        }
        ActivationHistogram histogram = new ActivationHistogram(0, 5);
        histogram.add(values, true);

        assertThat(histogram.entropyThreshold(255)).isGreaterThan(2.5f);
    }

    /** With no outliers there is nothing to clip: the threshold stays near the largest value. */
    @Test
    void entropyKeepsARangeWithoutOutliers() {
        float[] values = new float[100_000];
        for (int k = 0; k < values.length; k++) {
            values[k] = 4f * k / values.length;
        }
        ActivationHistogram histogram = new ActivationHistogram(0, 4);
        histogram.add(values, true);

        assertThat(histogram.entropyThreshold(255)).isGreaterThan(3.8f);
    }

    @Test
    void methodsParseFromTheCommandLine() {
        assertThat(CalibrationMethod.parse("minmax")).isEqualTo(CalibrationMethod.MIN_MAX);
        assertThat(CalibrationMethod.parse("entropy")).isEqualTo(new CalibrationMethod.Entropy());
        assertThat(CalibrationMethod.parse("percentile")).isEqualTo(new CalibrationMethod.Percentile(99.99));
        assertThat(CalibrationMethod.parse("percentile=99.9").describe()).isEqualTo("percentile=99.9");
        assertThatThrownBy(() -> CalibrationMethod.parse("kl"))
                .hasMessage("unknown calibration method 'kl': expected minmax, percentile, percentile=P or entropy");
        assertThatThrownBy(() -> CalibrationMethod.parse("percentile=20"))
                .hasMessage("a percentile must be in (50, 100], not 20.0");
    }
}
