package io.fogline.learn.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each activation is zeroed with probability {@code rate} and the survivors scaled by
 * {@code 1 / (1 - rate)}, so inference is the identity and exports as nothing at all.
 */
public final class Dropout implements Layer {

    private final int[] shape;
    private final float rate;
    private final SplittableRandom random;
    private float[] output = Buffers.NONE;
    private float[] mask = Buffers.NONE;
    private float[] inputGradient = Buffers.NONE;
    private boolean masked;

    public Dropout(int[] shape, double rate, SplittableRandom random) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + rate);
        }
        this.shape = shape.clone();
        this.rate = (float) rate;
        this.random = random;
    }

    public float rate() {
        return rate;
    }

    @Override
    public int[] inputShape() {
        return shape.clone();
    }

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        masked = training && rate > 0;
        if (!masked) {
            return x;
        }
        int n = batch * inputSize();
        output = Buffers.atLeast(output, n);
        mask = Buffers.atLeast(mask, n);
        float keepScale = 1f / (1f - rate);
        for (int k = 0; k < n; k++) {
            mask[k] = random.nextFloat() < rate ? 0f : keepScale;
            output[k] = x[k] * mask[k];
        }
        return output;
    }

    @Override
    public float[] backward(float[] g, int batch, boolean propagate) {
        if (!propagate || !masked) {
            return propagate ? g : Buffers.NONE;
        }
        int n = batch * inputSize();
        inputGradient = Buffers.atLeast(inputGradient, n);
        for (int k = 0; k < n; k++) {
            inputGradient[k] = g[k] * mask[k];
        }
        return inputGradient;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
