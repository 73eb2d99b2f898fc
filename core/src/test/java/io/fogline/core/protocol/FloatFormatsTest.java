package io.fogline.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.function.DoubleToIntFunction;
import java.util.function.IntToDoubleFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The 16-bit float conversions, checked against a slow reference that bisects each format's bit patterns with exact
 * decimal arithmetic: a JSON number must become the nearest FP16 or BF16 value, ties to the even one, as a client
 * that computed in float64 expects.
 */
class FloatFormatsTest {

    private static final Format HALF = new Format("FP16", 0x7C00, bits -> Float.float16ToFloat((short) bits));
    private static final Format BFLOAT = new Format("BF16", 0x7F80, bits -> FloatFormats.bfloat16ToFloat((short) bits));

    /**
     * A 16-bit format seen through its non-negative bit patterns, whose values ascend with the patterns. The pattern
     * of infinity stands for one ulp above the largest value: rounding treats overflow as that value, so that
     * numbers from the midpoint up (ties included, infinity's pattern being even) become infinity.
     */
    private record Format(String name, int infinityBits, IntToDoubleFunction decode) {

        double value(int bits) {
            if (bits == infinityBits) {
                double max = decode.applyAsDouble(bits - 1);
                return max + (max - decode.applyAsDouble(bits - 2));
            }
            return decode.applyAsDouble(bits);
        }

        /** The nearest value, ties to even, found by bisecting the bit patterns: slow, and obviously right. */
        int nearest(double value) {
            int sign = Double.doubleToRawLongBits(value) < 0 ? 0x8000 : 0;
            BigDecimal magnitude = new BigDecimal(Math.abs(value));
            int low = 0;
            int high = infinityBits;
            if (magnitude.compareTo(new BigDecimal(value(high))) >= 0) {
                return sign | infinityBits;
            }
            while (high - low > 1) {
                int middle = (low + high) >>> 1;
                if (new BigDecimal(value(middle)).compareTo(magnitude) <= 0) {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            int order = magnitude
                    .subtract(new BigDecimal(value(low)))
                    .compareTo(new BigDecimal(value(high)).subtract(magnitude));
            int chosen = order < 0 ? low : order > 0 ? high : (low & 1) == 0 ? low : high;
            return sign | chosen;
        }

        /** Values within a few double ulps of the midpoint between two neighbours, where rounding goes wrong. */
        Arbitrary<Double> nearMidpoints() {
            return Arbitraries.integers().between(0, infinityBits - 1).flatMap(bits -> {
                double midpoint = (value(bits) + value(bits + 1)) / 2;
                return Arbitraries.of(-3, -2, -1, 0, 1, 2, 3, 1 << 20, -(1 << 20), 1 << 28, -(1 << 28))
                        .flatMap(ulps ->
                                Arbitraries.of(1.0, -1.0).map(sign -> sign * (midpoint + ulps * Math.ulp(midpoint))));
            });
        }
    }

    @Property(tries = 2000)
    void doubleToFloat16RoundsToNearestEven(@ForAll("halfCases") double value) {
        assertRoundsToNearest(HALF, value, v -> FloatFormats.doubleToFloat16(v));
    }

    @Property(tries = 2000)
    void doubleToBfloat16RoundsToNearestEven(@ForAll("bfloatCases") double value) {
        assertRoundsToNearest(BFLOAT, value, v -> FloatFormats.doubleToBfloat16(v));
    }

    @Property(tries = 2000)
    void floatToBfloat16RoundsToNearestEven(@ForAll("bfloatCases") double value) {
        float single = (float) value;
        Assume.that(Float.isFinite(single));
        assertRoundsToNearest(BFLOAT, single, v -> FloatFormats.floatToBfloat16((float) v));
    }

    @Property(tries = 500)
    void nanStaysNaN(@ForAll int payload) {
        float nan = Float.intBitsToFloat(0x7F80_0000 | (payload & 0x807F_FFFF) | 1);

        assertThat(Float.isNaN(FloatFormats.bfloat16ToFloat(FloatFormats.floatToBfloat16(nan))))
                .isTrue();
        assertThat(Float.isNaN(FloatFormats.bfloat16ToFloat(FloatFormats.doubleToBfloat16(nan))))
                .isTrue();
        assertThat(Float.isNaN(Float.float16ToFloat(FloatFormats.doubleToFloat16(nan))))
                .isTrue();
    }

    @Example
    void float64ValuesJustAboveAMidpointRoundUp() {
        // 1 + 2^-11 + 2^-30 lies just above the midpoint of FP16 1.0 and 1.0009765625; narrowing it to float first
        // lands on the midpoint itself, which then rounds to the even 1.0.
        double aboveHalfMidpoint = 1 + 0x1p-11 + 0x1p-30;
        double aboveBfloatMidpoint = 1 + 0x1p-8 + 0x1p-30;

        assertThat(Float.float16ToFloat(FloatFormats.doubleToFloat16(aboveHalfMidpoint)))
                .isEqualTo(1.0009765625f);
        assertThat(FloatFormats.bfloat16ToFloat(FloatFormats.doubleToBfloat16(aboveBfloatMidpoint)))
                .isEqualTo(1.0078125f);
    }

    @Example
    void bfloat16TiesGoToEven() {
        assertThat(FloatFormats.floatToBfloat16(1 + 0x1p-8f)).isEqualTo((short) 0x3F80);
        assertThat(FloatFormats.floatToBfloat16(1 + 0x1p-7f + 0x1p-8f)).isEqualTo((short) 0x3F82);
        assertThat(FloatFormats.floatToBfloat16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(FloatFormats.floatToBfloat16(-0f)).isEqualTo((short) 0x8000);
    }

    @Provide
    Arbitrary<Double> halfCases() {
        return cases(HALF);
    }

    @Provide
    Arbitrary<Double> bfloatCases() {
        return cases(BFLOAT);
    }

    private static Arbitrary<Double> cases(Format format) {
        return Arbitraries.oneOf(
                format.nearMidpoints(),
                Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
                Arbitraries.integers()
                        .map(Float::intBitsToFloat)
                        .filter(Float::isFinite)
                        .map(f -> (double) f));
    }

    private static void assertRoundsToNearest(Format format, double value, DoubleToIntFunction convert) {
        int expected = format.nearest(value);
        int actual = convert.applyAsInt(value) & 0xFFFF;
        assertThat(Integer.toHexString(actual))
                .as("%s of %s (%s)", format.name(), value, Double.toHexString(value))
                .isEqualTo(Integer.toHexString(expected));
    }
}
