package io.fogline.learn.model;

/** Reusable activation buffers: reallocated only when a batch needs more room than the last. */
final class Buffers {

    static final float[] NONE = new float[0];

    private Buffers() {}

    static float[] atLeast(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }
}
