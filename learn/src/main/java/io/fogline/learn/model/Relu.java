package io.fogline.learn.model;

import java.util.List;

/** {@code max(x, 0)}, element-wise. */
public final class Relu implements Layer {

    private final int[] shape;
    private float[] output = Buffers.NONE;
    private float[] inputGradient = Buffers.NONE;

    public Relu(int[] shape) {
        this.shape = shape.clone();
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
        int n = batch * inputSize();
        output = Buffers.atLeast(output, n);
        Kernels.relu(x, output, n);
        return output;
    }

    @Override
    public float[] backward(float[] g, int batch, boolean propagate) {
        if (!propagate) {
            return Buffers.NONE;
        }
        int n = batch * inputSize();
        inputGradient = Buffers.atLeast(inputGradient, n);
        Kernels.reluGradient(output, g, inputGradient, n);
        return inputGradient;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
