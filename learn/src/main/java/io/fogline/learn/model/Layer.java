package io.fogline.learn.model;

import java.util.List;

/**
 * One stage of a {@link Network}. Activations travel as flat row-major batches: {@code batch} examples of
 * {@code inputSize()} floats in, {@code batch} of {@code outputSize()} out. Returned arrays are the layer's own reusable
 * buffers and may be longer than the batch needs; they stay valid until the layer's next call.
 */
public sealed interface Layer permits Dense, Relu, Dropout, Conv2d, MaxPool2d {

    /** The shape of one example entering the layer. */
    int[] inputShape();

    /** The shape of one example leaving the layer. */
    int[] outputShape();

    float[] forward(float[] input, int batch, boolean training);

    /**
     * Writes the gradients of this layer's parameters from the gradient of its output, and returns the gradient of its
     * input when {@code propagate} is set (the first layer has no one to pass it to); otherwise returns an empty array.
     * Must follow the {@link #forward} call for the same batch.
     */
    float[] backward(float[] outputGradient, int batch, boolean propagate);

    List<Parameter> parameters();

    default int inputSize() {
        return Layers.size(inputShape());
    }

    default int outputSize() {
        return Layers.size(outputShape());
    }
}
