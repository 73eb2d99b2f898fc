package io.fogline.optimize.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

class Int8WeightsTest {

    record Matrix(float[] values, int rows, int columns) {}

    @Provide
    Arbitrary<Matrix> matrices() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(1, 12))
                .flatAs((rows, columns) -> Arbitraries.floats()
                        .between(-1e4f, 1e4f)
                        .array(float[].class)
                        .ofSize(rows * columns)
                        .map(values -> new Matrix(values, rows, columns)));
    }

    /** Rounding to the nearest level never misses by more than half a step. */
    @Property(tries = 300)
    void dequantizedWeightsAreWithinHalfAScale(
            @ForAll("matrices") Matrix matrix, @ForAll Int8Weights.Channels channels, @ForAll Int8Weights.Range range) {
        Int8Weights quantized = Int8Weights.quantize(matrix.values(), matrix.rows(), matrix.columns(), channels, range);

        for (int r = 0; r < matrix.rows(); r++) {
            for (int c = 0; c < matrix.columns(); c++) {
                float original = matrix.values()[r * matrix.columns() + c];
                float error = Math.abs(quantized.dequantized(r, c) - original);
                float halfStep = quantized.scaleOf(r, c) / 2;
                assertThat(error).isLessThanOrEqualTo(halfStep * (1 + 1e-5f) + Math.ulp(original));
            }
        }
        int expectedScales =
                switch (channels) {
                    case NONE -> 1;
                    case ROWS -> matrix.rows();
                    case COLUMNS -> matrix.columns();
                };
        assertThat(quantized.scales()).hasSize(expectedScales);
    }

    @Property(tries = 100)
    void theLargestMagnitudeMapsToTheEndOfTheRange(@ForAll("matrices") Matrix matrix, @ForAll Int8Weights.Range range) {
        Int8Weights quantized = Int8Weights.quantize(
                matrix.values(), matrix.rows(), matrix.columns(), Int8Weights.Channels.NONE, range);

        int largest = 0;
        for (byte value : quantized.values()) {
            largest = Math.max(largest, Math.abs(value));
        }
        boolean allZero = true;
        for (float value : matrix.values()) {
            allZero &= value == 0;
        }
        assertThat(largest).isEqualTo(allZero ? 0 : range == Int8Weights.Range.FULL ? 127 : 63);
    }

    @Property(tries = 50)
    void scalingFoldsIntoTheScales(
            @ForAll("matrices") Matrix matrix, @ForAll @FloatRange(min = 0.1f, max = 10) float factor) {
        Int8Weights quantized = Int8Weights.quantize(
                matrix.values(),
                matrix.rows(),
                matrix.columns(),
                Int8Weights.Channels.COLUMNS,
                Int8Weights.Range.INTEGER_PRODUCT);
        Int8Weights scaled = quantized.scaledBy(factor);

        assertThat(scaled.values()).isSameAs(quantized.values());
        for (int c = 0; c < matrix.columns(); c++) {
            assertThat(scaled.scaleOf(0, c)).isEqualTo(quantized.scaleOf(0, c) * factor);
        }
    }

    @Test
    void anAllZeroColumnGetsAFiniteScale() {
        float[] values = {0, 1, 0, -2};

        Int8Weights quantized =
                Int8Weights.quantize(values, 2, 2, Int8Weights.Channels.COLUMNS, Int8Weights.Range.FULL);

        assertThat(quantized.scales()).containsExactly(1f, 2f / 127);
        assertThat(quantized.values()).containsExactly(0, 64, 0, -127);
    }
}
