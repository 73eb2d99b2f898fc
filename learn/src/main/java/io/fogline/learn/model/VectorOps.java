package io.fogline.learn.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two inner loops of every kernel with the incubating Vector API, in the widest lanes the CPU has. Loaded only
 * when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 */
final class VectorOps {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private VectorOps() {}

    static void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int length) {
        FloatVector scale = FloatVector.broadcast(SPECIES, a);
        int bound = SPECIES.loopBound(length);
        int k = 0;
        for (; k < bound; k += SPECIES.length()) {
            FloatVector xs = FloatVector.fromArray(SPECIES, x, xOffset + k);
            FloatVector ys = FloatVector.fromArray(SPECIES, y, yOffset + k);
            xs.fma(scale, ys).intoArray(y, yOffset + k);
        }
        for (; k < length; k++) {
            y[yOffset + k] += a * x[xOffset + k];
        }
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        FloatVector sums = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(length);
        int k = 0;
        for (; k < bound; k += SPECIES.length()) {
            FloatVector as = FloatVector.fromArray(SPECIES, a, aOffset + k);
            FloatVector bs = FloatVector.fromArray(SPECIES, b, bOffset + k);
            sums = as.fma(bs, sums);
        }
        // reduceLanes(ADD) may sum the lanes in a different order once the JIT intrinsifies it, and float addition is
        // not associative: summing them in lane order keeps training bit-for-bit reproducible across runs.
        float[] lanes = sums.toArray();
        float sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        for (; k < length; k++) {
            sum += a[aOffset + k] * b[bOffset + k];
        }
        return sum;
    }

    /**
     * {@code c += a · b} for {@code a} of {@code m × k}, {@code b} of {@code k × n}, {@code c} of {@code m × n}, each
     * row-major from its offset with its own row stride. Four rows of {@code c} by two vectors of columns stay in
     * registers while {@code k} runs, so each loaded row segment of {@code b} feeds eight fused multiply-adds. Every
     * element is one chain of fused multiply-adds in {@code k} order, whichever block computes it: results do not depend
     * on how a caller slices the rows.
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
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int a0 = aOffset + i * lda;
            int c0 = cOffset + i * ldc;
            int j = 0;
            for (; j + 2 * LANES <= n; j += 2 * LANES) {
                multiply4x2(a, a0, lda, b, bOffset + j, ldb, c, c0 + j, ldc, k);
            }
            for (; j < n; j += LANES) {
                multiply4x1(a, a0, lda, b, bOffset + j, ldb, c, c0 + j, ldc, k, SPECIES.indexInRange(j, n));
            }
        }
        for (; i < m; i++) {
            int a0 = aOffset + i * lda;
            int c0 = cOffset + i * ldc;
            for (int j = 0; j < n; j += LANES) {
                VectorMask<Float> columns = SPECIES.indexInRange(j, n);
                FloatVector sum = FloatVector.fromArray(SPECIES, c, c0 + j, columns);
                for (int p = 0; p < k; p++) {
                    FloatVector bs = FloatVector.fromArray(SPECIES, b, bOffset + p * ldb + j, columns);
                    sum = bs.fma(FloatVector.broadcast(SPECIES, a[a0 + p]), sum);
                }
                sum.intoArray(c, c0 + j, columns);
            }
        }
    }

    /** Four rows by one vector of columns, of which {@code columns} are in the matrix. */
    private static void multiply4x1(
            float[] a,
            int a0,
            int lda,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            int k,
            VectorMask<Float> columns) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s0 = FloatVector.fromArray(SPECIES, c, c0, columns);
        FloatVector s1 = FloatVector.fromArray(SPECIES, c, c1, columns);
        FloatVector s2 = FloatVector.fromArray(SPECIES, c, c2, columns);
        FloatVector s3 = FloatVector.fromArray(SPECIES, c, c3, columns);
        for (int p = 0; p < k; p++) {
            FloatVector bs = FloatVector.fromArray(SPECIES, b, b0 + p * ldb, columns);
            s0 = bs.fma(FloatVector.broadcast(SPECIES, a[a0 + p]), s0);
            s1 = bs.fma(FloatVector.broadcast(SPECIES, a[a1 + p]), s1);
            s2 = bs.fma(FloatVector.broadcast(SPECIES, a[a2 + p]), s2);
            s3 = bs.fma(FloatVector.broadcast(SPECIES, a[a3 + p]), s3);
        }
        s0.intoArray(c, c0, columns);
        s1.intoArray(c, c1, columns);
        s2.intoArray(c, c2, columns);
        s3.intoArray(c, c3, columns);
    }

    private static void multiply4x2(
            float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc, int k) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector s01 = FloatVector.fromArray(SPECIES, c, c0 + LANES);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c1);
        FloatVector s11 = FloatVector.fromArray(SPECIES, c, c1 + LANES);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c2);
        FloatVector s21 = FloatVector.fromArray(SPECIES, c, c2 + LANES);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c3);
        FloatVector s31 = FloatVector.fromArray(SPECIES, c, c3 + LANES);
        for (int p = 0; p < k; p++) {
            int row = b0 + p * ldb;
            FloatVector b0v = FloatVector.fromArray(SPECIES, b, row);
            FloatVector b1v = FloatVector.fromArray(SPECIES, b, row + LANES);
            FloatVector w = FloatVector.broadcast(SPECIES, a[a0 + p]);
            s00 = b0v.fma(w, s00);
            s01 = b1v.fma(w, s01);
            w = FloatVector.broadcast(SPECIES, a[a1 + p]);
            s10 = b0v.fma(w, s10);
            s11 = b1v.fma(w, s11);
            w = FloatVector.broadcast(SPECIES, a[a2 + p]);
            s20 = b0v.fma(w, s20);
            s21 = b1v.fma(w, s21);
            w = FloatVector.broadcast(SPECIES, a[a3 + p]);
            s30 = b0v.fma(w, s30);
            s31 = b1v.fma(w, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + LANES);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + LANES);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + LANES);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + LANES);
    }

    static void relu(float[] x, float[] y, int length) {
        int bound = SPECIES.loopBound(length);
        int k = 0;
        for (; k < bound; k += LANES) {
            FloatVector.fromArray(SPECIES, x, k).max(0f).intoArray(y, k);
        }
        for (; k < length; k++) {
            y[k] = Math.max(x[k], 0f);
        }
    }

    static void reluGradient(float[] y, float[] g, float[] gx, int length) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(length);
        int k = 0;
        for (; k < bound; k += LANES) {
            FloatVector active = FloatVector.fromArray(SPECIES, y, k);
            zero.blend(FloatVector.fromArray(SPECIES, g, k), active.compare(VectorOperators.GT, 0f))
                    .intoArray(gx, k);
        }
        for (; k < length; k++) {
            gx[k] = y[k] > 0 ? g[k] : 0f;
        }
    }
}
