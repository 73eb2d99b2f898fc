package io.fogline.learn.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected layer, {@code y = x · W + b}, with {@code W} stored inputs × outputs: the layout ONNX Gemm takes
 * without a transpose, and the one whose rows the forward loop streams.
 */
public final class Dense implements Layer {

    private final int inputs;
    private final int outputs;
    private final int[] inputShape;
    private final Parameter weight;
    private final Parameter bias;
    private float[] input = Buffers.NONE;
    private float[] output = Buffers.NONE;
    private float[] inputGradient = Buffers.NONE;

    /**
     * @param gain the initial weights' standard deviation times {@code sqrt(fanIn)}: {@code sqrt(2)} before a ReLU (He
     *     et al.), 1 before a softmax
     */
    public Dense(String name, int[] inputShape, int outputs, double gain, SplittableRandom random) {
        this.inputShape = inputShape.clone();
        this.inputs = Layers.size(inputShape);
        this.outputs = outputs;
        this.weight = new Parameter(name + ".weight", new int[] {inputs, outputs}, true);
        this.bias = new Parameter(name + ".bias", new int[] {outputs}, false);
        double deviation = gain / Math.sqrt(inputs);
        float[] w = weight.values();
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) (random.nextGaussian() * deviation);
        }
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] outputShape() {
        return new int[] {outputs};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        input = x;
        output = Buffers.atLeast(output, batch * outputs);
        float[] y = output;
        float[] w = weight.values();
        float[] b = bias.values();
        Parallel.forRange(
                batch,
                (long) batch * inputs * outputs,
                (from, to) -> Kernels.affine(x, w, b, y, inputs, outputs, from, to));
        return y;
    }

    @Override
    public float[] backward(float[] g, int batch, boolean propagate) {
        float[] x = input;
        float[] gw = weight.gradients();
        Parallel.forRange(
                inputs,
                (long) batch * inputs * outputs,
                (from, to) -> Kernels.weightGradient(x, g, gw, batch, inputs, outputs, from, to));
        Kernels.columnSums(g, bias.gradients(), batch, outputs);
        if (!propagate) {
            return Buffers.NONE;
        }
        inputGradient = Buffers.atLeast(inputGradient, batch * inputs);
        float[] gx = inputGradient;
        float[] w = weight.values();
        Parallel.forRange(
                batch,
                (long) batch * inputs * outputs,
                (from, to) -> Kernels.inputGradient(g, w, gx, inputs, outputs, from, to));
        return gx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
