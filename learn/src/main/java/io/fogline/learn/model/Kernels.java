package io.fogline.learn.model;

import java.util.Arrays;

/**
 * The dense-algebra loops of training over flat row-major arrays, built on two inner loops (axpy and dot) that run on
 * the Vector API when the JVM has it and in plain Java otherwise.
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
     * {@code y[b] = x[b] · w + bias} for rows {@code from} to {@code to}. Looping over {@code w}'s rows outermost keeps
     * one weight row in cache for all examples; zero inputs (half of a clothing image's pixels, every inactive ReLU) are
     * skipped.
     */
    static void affine(float[] x, float[] w, float[] bias, float[] y, int inputs, int outputs, int from, int to) {
        for (int b = from; b < to; b++) {
            System.arraycopy(bias, 0, y, b * outputs, outputs);
        }
        for (int i = 0; i < inputs; i++) {
            int row = i * outputs;
            for (int b = from; b < to; b++) {
                float xi = x[b * inputs + i];
                if (xi != 0) {
                    axpy(xi, w, row, y, b * outputs, outputs);
                }
            }
        }
    }

    /** {@code gw[i] = Σ_b x[b][i] · g[b]} for weight rows {@code from} to {@code to}. */
    static void weightGradient(float[] x, float[] g, float[] gw, int batch, int inputs, int outputs, int from, int to) {
        Arrays.fill(gw, from * outputs, to * outputs, 0f);
        for (int i = from; i < to; i++) {
            int row = i * outputs;
            for (int b = 0; b < batch; b++) {
                float xi = x[b * inputs + i];
                if (xi != 0) {
                    axpy(xi, g, b * outputs, gw, row, outputs);
                }
            }
        }
    }

    /** {@code gx[b][i] = g[b] · w[i]} for examples {@code from} to {@code to}. */
    static void inputGradient(float[] g, float[] w, float[] gx, int inputs, int outputs, int from, int to) {
        for (int b = from; b < to; b++) {
            for (int i = 0; i < inputs; i++) {
                gx[b * inputs + i] = dot(g, b * outputs, w, i * outputs, outputs);
            }
        }
    }

    /** {@code gBias = Σ_b g[b]}. */
    static void columnSums(float[] g, float[] sums, int batch, int columns) {
        Arrays.fill(sums, 0, columns, 0f);
        for (int b = 0; b < batch; b++) {
            axpy(1f, g, b * columns, sums, 0, columns);
        }
    }
}
