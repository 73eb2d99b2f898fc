package io.fogline.learn.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two inner loops of every kernel with the incubating Vector API, in the widest lanes the CPU has. Loaded only
 * when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 */
final class VectorOps {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

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
}
