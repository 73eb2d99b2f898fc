package io.fogline.learn.model;

import java.util.Arrays;

/**
 * The dense-algebra loops of training over flat row-major arrays: a register-blocked matrix product and two inner loops
 * (axpy and dot), which run on the Vector API when the JVM has it and in plain Java otherwise.
 */
final class Kernels {

    private Kernels() {}

    /**
     * Whether the Vector API is there to use. Decided once: the JIT folds the constant and keeps only one branch of
     * each call below.
     */
    static final boolean VECTORIZED =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** {@code y[yOffset ..] += a · x[xOffset ..]} over {@code length} elements. */
    static void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int length) {
        if (VECTORIZED) {
            VectorOps.axpy(a, x, xOffset, y, yOffset, length);
        } else {
            ScalarOps.axpy(a, x, xOffset, y, yOffset, length);
        }
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return VECTORIZED
                ? VectorOps.dot(a, aOffset, b, bOffset, length)
                : ScalarOps.dot(a, aOffset, b, bOffset, length);
    }

    /**
     * {@code c += a · b}: {@code a} is {@code m × k}, {@code b} is {@code k × n}, {@code c} is {@code m × n}, each
     * row-major from its offset with its own row stride ({@code lda}, {@code ldb}, {@code ldc}). Each element of
     * {@code c} is computed the same way whichever rows a call covers, so callers may split the rows among threads and
     * still get bit-identical results.
     */
    static void multiply(
            float[] a,
            int aOffset,
            int lda,
            float[] b,
            int bOffset,
            int ldb,
            float[] c,
            int cOffset,
            int ldc,
            int m,
            int n,
            int k) {
        if (VECTORIZED) {
            VectorOps.multiply(a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, m, n, k);
        } else {
            ScalarOps.multiply(a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, m, n, k);
        }
    }

    /** Writes the {@code rows × columns} matrix at {@code a} transposed, {@code columns × rows}, at {@code t}. */
    static void transpose(float[] a, int aOffset, int rows, int columns, float[] t, int tOffset) {
        for (int r = 0; r < rows; r++) {
            int row = aOffset + r * columns;
            for (int c = 0; c < columns; c++) {
                t[tOffset + c * rows + r] = a[row + c];
            }
        }
    }

    /** {@code y[b] = x[b] · w + bias} for rows {@code from} to {@code to}. */
    static void affine(float[] x, float[] w, float[] bias, float[] y, int inputs, int outputs, int from, int to) {
        for (int b = from; b < to; b++) {
            System.arraycopy(bias, 0, y, b * outputs, outputs);
        }
        multiply(x, from * inputs, inputs, w, 0, outputs, y, from * outputs, outputs, to - from, outputs, inputs);
    }

    /** {@code gBias = Σ_b g[b]}. */
    static void columnSums(float[] g, float[] sums, int batch, int columns) {
        Arrays.fill(sums, 0, columns, 0f);
        for (int b = 0; b < batch; b++) {
            axpy(1f, g, b * columns, sums, 0, columns);
        }
    }

    /** {@code y = max(x, 0)} over the first {@code length} elements. */
    static void relu(float[] x, float[] y, int length) {
        if (VECTORIZED) {
            VectorOps.relu(x, y, length);
        } else {
            for (int k = 0; k < length; k++) {
                y[k] = Math.max(x[k], 0f);
            }
        }
    }

    /** {@code gx = g} where {@code y > 0}, else 0: the gradient through a ReLU whose output was {@code y}. */
    static void reluGradient(float[] y, float[] g, float[] gx, int length) {
        if (VECTORIZED) {
            VectorOps.reluGradient(y, g, gx, length);
        } else {
            for (int k = 0; k < length; k++) {
                gx[k] = y[k] > 0 ? g[k] : 0f;
            }
        }
    }
}
