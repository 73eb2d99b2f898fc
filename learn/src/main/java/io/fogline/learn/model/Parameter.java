package io.fogline.learn.model;

/**
 * A trainable tensor and the gradient of the loss with respect to it, both flat and row-major.
 *
 * @param name a stable name, also the initializer's name in an exported ONNX graph
 * @param shape the tensor's dimensions
 * @param values the current values, updated in place by optimizers
 * @param gradients the latest gradient, written by the owning layer's backward pass
 * @param decays whether weight decay applies: weights yes, biases no
 */
public record Parameter(String name, int[] shape, float[] values, float[] gradients, boolean decays) {

    public Parameter(String name, int[] shape, boolean decays) {
        this(name, shape.clone(), new float[Layers.size(shape)], new float[Layers.size(shape)], decays);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return values.length;
    }
}
