package io.fogline.optimize.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;

class ActivationRangeTest {

    /** What ONNX QuantizeLinear then DequantizeLinear compute with this range's scale and zero point. */
    private static float roundTrip(ActivationRange range, float x) {
        int q = Math.clamp(Math.round(x / range.scale()) + range.zeroPoint(), 0, 255);
        return (q - range.zeroPoint()) * range.scale();
    }

    @Property(tries = 500)
    void valuesInsideTheRangeRoundTripWithinHalfAScale(
            @ForAll @FloatRange(min = -100, max = 100) float a,
            @ForAll @FloatRange(min = -100, max = 100) float b,
            @ForAll @FloatRange(min = 0, max = 1) float position) {
        ActivationRange range = new ActivationRange(Math.min(a, b), Math.max(a, b));
        Assume.that(range.max() > range.min());
        float x = range.min() + position * (range.max() - range.min());

        // Half a step, plus what an integer zero point shifts the grid by.
        assertThat(Math.abs(roundTrip(range, x) - x)).isLessThanOrEqualTo(range.scale() * 1.0001f);
    }

    @Property(tries = 200)
    void zeroIsExact(
            @ForAll @FloatRange(min = -100, max = 100) float a, @ForAll @FloatRange(min = -100, max = 100) float b) {
        ActivationRange range = new ActivationRange(Math.min(a, b), Math.max(a, b));

        assertThat(roundTrip(range, 0f)).isZero();
        assertThat(range.zeroPoint()).isBetween(0, 255);
    }
}
