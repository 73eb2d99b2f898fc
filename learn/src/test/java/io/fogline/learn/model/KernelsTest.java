package io.fogline.learn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KernelsTest {

    @Test
    void testsRunWithTheVectorApi() {
        assertThat(Kernels.VECTORIZED).as("surefire adds jdk.incubator.vector").isTrue();
    }

    @Property(tries = 200)
    void vectorAndScalarLoopsAgree(
            @ForAll @IntRange(min = 0, max = 300) int length,
            @ForAll @IntRange(min = 0, max = 17) int xOffset,
            @ForAll @IntRange(min = 0, max = 17) int yOffset,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = gaussians(length + xOffset, random);
        float[] y = gaussians(length + yOffset, random);
        float a = (float) random.nextGaussian();
        float[] vectorY = y.clone();
        float[] scalarY = y.clone();

        VectorOps.axpy(a, x, xOffset, vectorY, yOffset, length);
        ScalarOps.axpy(a, x, xOffset, scalarY, yOffset, length);
        float vectorDot = VectorOps.dot(x, xOffset, y, yOffset, length);
        float scalarDot = ScalarOps.dot(x, xOffset, y, yOffset, length);

        for (int k = 0; k < scalarY.length; k++) {
            // Fused multiply-add rounds once where the scalar loop rounds twice.
            assertThat(vectorY[k]).isCloseTo(scalarY[k], within(1e-5f * (1 + Math.abs(scalarY[k]))));
        }
        assertThat(vectorDot).isCloseTo(scalarDot, within(1e-4f * (1 + length)));
    }

    /**
     * The vector dot product sums its lanes in a fixed order, whatever the JIT does, so that training reproduces bit for
     * bit from one run to the next.
     */
    @Property(tries = 100)
    void vectorDotSumsItsLanesInAFixedOrder(@ForAll @IntRange(min = 0, max = 200) int length, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = gaussians(length, random);
        float[] b = gaussians(length, random);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        float[] partial = new float[lanes];
        int blocks = length / lanes * lanes;
        for (int k = 0; k < blocks; k++) {
            partial[k % lanes] = Math.fma(a[k], b[k], partial[k % lanes]);
        }
        float expected = 0;
        for (float lane : partial) {
            expected += lane;
        }
        for (int k = blocks; k < length; k++) {
            expected += a[k] * b[k];
        }

        assertThat(VectorOps.dot(a, 0, b, 0, length)).isEqualTo(expected);
    }

    @Property(tries = 200)
    void blockedMatrixProductMatchesThePlainOne(
            @ForAll @IntRange(min = 1, max = 11) int m,
            @ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll @IntRange(min = 0, max = 20) int k,
            @ForAll @IntRange(min = 0, max = 5) int padding,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int lda = k + padding;
        int ldb = n + padding;
        int ldc = n + padding;
        float[] a = gaussians(3 + m * lda, random);
        float[] b = gaussians(2 + k * ldb, random);
        float[] c = gaussians(1 + m * ldc, random);
        float[] vector = c.clone();
        float[] scalar = c.clone();

        VectorOps.multiply(a, 3, lda, b, 2, ldb, vector, 1, ldc, m, n, k);
        ScalarOps.multiply(a, 3, lda, b, 2, ldb, scalar, 1, ldc, m, n, k);

        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int at = 1 + i * ldc + j;
                if (j >= n) {
                    assertThat(vector[at]).as("padding past the last column").isEqualTo(c[at]);
                    continue;
                }
                double expected = c[at];
                for (int p = 0; p < k; p++) {
                    expected += (double) a[3 + i * lda + p] * b[2 + p * ldb + j];
                }
                assertThat((double) vector[at]).isCloseTo(expected, within(1e-4 * (1 + k)));
                assertThat((double) scalar[at]).isCloseTo(expected, within(1e-4 * (1 + k)));
            }
        }
    }

    /** Rows computed in a block of four or alone come out the same, so threads may split the rows anywhere. */
    @Property(tries = 100)
    void matrixProductRowsDoNotDependOnHowTheyAreSplit(
            @ForAll @IntRange(min = 2, max = 13) int m,
            @ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll @IntRange(min = 1, max = 30) int k,
            @ForAll @IntRange(min = 1, max = 12) int cut,
            @ForAll long seed) {
        int split = Math.min(cut, m - 1);
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = gaussians(m * k, random);
        float[] b = gaussians(k * n, random);
        float[] whole = new float[m * n];
        float[] parts = new float[m * n];

        Kernels.multiply(a, 0, k, b, 0, n, whole, 0, n, m, n, k);
        Kernels.multiply(a, 0, k, b, 0, n, parts, 0, n, split, n, k);
        Kernels.multiply(a, split * k, k, b, 0, n, parts, split * n, n, m - split, n, k);

        assertThat(parts).containsExactly(whole);
    }

    @Test
    void parallelAffineIsBitIdenticalToOneThread() {
        SplittableRandom random = new SplittableRandom(3);
        int batch = 64;
        int inputs = 300;
        int outputs = 70;
        float[] x = gaussians(batch * inputs, random);
        float[] w = gaussians(inputs * outputs, random);
        float[] bias = gaussians(outputs, random);
        float[] serial = new float[batch * outputs];
        float[] parallel = new float[batch * outputs];

        Kernels.affine(x, w, bias, serial, inputs, outputs, 0, batch);
        Parallel.forRange(
                batch, Long.MAX_VALUE, (from, to) -> Kernels.affine(x, w, bias, parallel, inputs, outputs, from, to));

        assertThat(parallel).containsExactly(serial);
    }

    private static float[] gaussians(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            values[k] = (float) random.nextGaussian();
        }
        return values;
    }
}
