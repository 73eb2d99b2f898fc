package io.fogline.learn.model;

import java.util.Arrays;
import java.util.List;

/** A feed-forward classifier: layers in sequence whose last output is one logit per class. */
public final class Network {

    private final int[] inputShape;
    private final List<Layer> layers;

    public Network(int[] inputShape, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        int[] expected = inputShape;
        for (Layer layer : layers) {
            if (Layers.size(layer.inputShape()) != Layers.size(expected)) {
                throw new IllegalArgumentException("layer " + layer.getClass().getSimpleName() + " takes "
                        + Arrays.toString(layer.inputShape()) + " but receives " + Arrays.toString(expected));
            }
            expected = layer.outputShape();
        }
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(layers);
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int inputSize() {
        return Layers.size(inputShape);
    }

    public int classCount() {
        return layers.getLast().outputSize();
    }

    public List<Layer> layers() {
        return layers;
    }

    public List<Parameter> parameters() {
        return layers.stream().flatMap(layer -> layer.parameters().stream()).toList();
    }

    public long parameterCount() {
        return parameters().stream().mapToLong(Parameter::size).sum();
    }

    /**
     * Every parameter as one vector: {@link #parameters()} in order, each row-major. Federated updates and global
     * models travel in this layout, which is also the order of the initializers in the exported ONNX graph.
     */
    public float[] parameterVector() {
        float[] vector = new float[Math.toIntExact(parameterCount())];
        int offset = 0;
        for (Parameter parameter : parameters()) {
            System.arraycopy(parameter.values(), 0, vector, offset, parameter.size());
            offset += parameter.size();
        }
        return vector;
    }

    /** Overwrites every parameter from a vector in the layout of {@link #parameterVector()}. */
    public void loadParameterVector(float[] vector) {
        if (vector.length != parameterCount()) {
            throw new IllegalArgumentException(
                    "the network has " + parameterCount() + " parameters, the vector " + vector.length);
        }
        int offset = 0;
        for (Parameter parameter : parameters()) {
            System.arraycopy(vector, offset, parameter.values(), 0, parameter.size());
            offset += parameter.size();
        }
    }

    /**
     * The logits of a batch, in a buffer owned by the last layer (valid until the next call, possibly longer than
     * {@code batch × classCount()}).
     */
    public float[] logits(float[] input, int batch, boolean training) {
        if (input.length < batch * inputSize()) {
            throw new IllegalArgumentException(
                    input.length + " inputs do not hold " + batch + " examples of " + inputSize());
        }
        float[] activations = input;
        for (Layer layer : layers) {
            activations = layer.forward(activations, batch, training);
        }
        return activations;
    }

    /** Class probabilities for a batch, in inference mode: a new array of {@code batch × classCount()}. */
    public float[] probabilities(float[] input, int batch) {
        float[] probabilities = new float[batch * classCount()];
        Softmax.rows(logits(input, batch, false), probabilities, batch, classCount());
        return probabilities;
    }

    /** Back-propagates the gradient of the loss with respect to the logits of the last training forward pass. */
    public void backward(float[] logitGradient, int batch) {
        float[] gradient = logitGradient;
        for (int k = layers.size() - 1; k >= 0; k--) {
            gradient = layers.get(k).backward(gradient, batch, k > 0);
        }
    }
}
