package io.fogline.learn.model;

import java.util.Arrays;
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
    private float[] inputsTransposed = Buffers.NONE;
    private float[] weightsTransposed = Buffers.NONE;

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
        // Both products are taken in the form c += a · b, whose inner loop streams rows of b: the inputs and the
        // weights are transposed first (a copy of one batch or one weight matrix, small beside the products).
        inputsTransposed = Buffers.atLeast(inputsTransposed, inputs * batch);
        float[] xT = inputsTransposed;
        Kernels.transpose(input, 0, batch, inputs, xT, 0);
        float[] gw = weight.gradients();
        Parallel.forRange(inputs, (long) batch * inputs * outputs, (from, to) -> {
            Arrays.fill(gw, from * outputs, to * outputs, 0f);
            Kernels.multiply(
                    xT, from * batch, batch, g, 0, outputs, gw, from * outputs, outputs, to - from, outputs, batch);
        });
        Kernels.columnSums(g, bias.gradients(), batch, outputs);
        if (!propagate) {
            return Buffers.NONE;
        }
        inputGradient = Buffers.atLeast(inputGradient, batch * inputs);
        weightsTransposed = Buffers.atLeast(weightsTransposed, inputs * outputs);
        float[] gx = inputGradient;
        float[] wT = weightsTransposed;
        Kernels.transpose(weight.values(), 0, inputs, outputs, wT, 0);
        Parallel.forRange(batch, (long) batch * inputs * outputs, (from, to) -> {
            Arrays.fill(gx, from * inputs, to * inputs, 0f);
            Kernels.multiply(
                    g, from * outputs, outputs, wT, 0, inputs, gx, from * inputs, inputs, to - from, inputs, outputs);
        });
        return gx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
