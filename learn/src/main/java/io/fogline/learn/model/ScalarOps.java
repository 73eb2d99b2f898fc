package io.fogline.learn.model;

/**
 * The two inner loops of every kernel in plain Java, for JVMs started without the Vector API. C2 does not vectorise
 * them (the arrays may alias at different offsets), so they run at about a sixth of {@link VectorOps}' speed.
 */
final class ScalarOps {

    private ScalarOps() {}

    static void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int length) {
        for (int k = 0; k < length; k++) {
            y[yOffset + k] += a * x[xOffset + k];
        }
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < length; k += 4) {
            s0 += a[aOffset + k] * b[bOffset + k];
            s1 += a[aOffset + k + 1] * b[bOffset + k + 1];
            s2 += a[aOffset + k + 2] * b[bOffset + k + 2];
            s3 += a[aOffset + k + 3] * b[bOffset + k + 3];
        }
        for (; k < length; k++) {
            s0 += a[aOffset + k] * b[bOffset + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code c += a · b}, as {@link VectorOps#multiply} defines it. */
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
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                axpy(a[aOffset + i * lda + p], b, bOffset + p * ldb, c, cOffset + i * ldc, n);
            }
        }
    }
}
