package io.fogline.learn.model;

import java.util.Arrays;
import java.util.List;

/** 2×2 max pooling with stride 2 over channel-major examples: halves height and width. */
public final class MaxPool2d implements Layer {

    static final int SIZE = 2;

    private final int channels;
    private final int height;
    private final int width;
    private final int outHeight;
    private final int outWidth;
    private float[] output = Buffers.NONE;
    private int[] winners = new int[0];
    private float[] inputGradient = Buffers.NONE;

    public MaxPool2d(int[] inputShape) {
        if (inputShape.length != 3 || inputShape[1] % SIZE != 0 || inputShape[2] % SIZE != 0) {
            throw new IllegalArgumentException(
                    "2×2 pooling takes [channels, even height, even width], not " + Arrays.toString(inputShape));
        }
        this.channels = inputShape[0];
        this.height = inputShape[1];
        this.width = inputShape[2];
        this.outHeight = height / SIZE;
        this.outWidth = width / SIZE;
    }

    @Override
    public int[] inputShape() {
        return new int[] {channels, height, width};
    }

    @Override
    public int[] outputShape() {
        return new int[] {channels, outHeight, outWidth};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        int planes = batch * channels;
        output = Buffers.atLeast(output, planes * outHeight * outWidth);
        if (winners.length < output.length) {
            winners = new int[output.length];
        }
        float[] y = output;
        int[] chosen = winners;
        Parallel.forRange(planes, (long) planes * height * width, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                pool(x, plane * height * width, y, chosen, plane * outHeight * outWidth);
            }
        });
        return output;
    }

    /** One plane: each output is the largest of its 2×2 window, and remembers where it came from. */
    private void pool(float[] x, int in, float[] y, int[] chosen, int out) {
        for (int row = 0; row < outHeight; row++) {
            int top = in + SIZE * row * width;
            int bottom = top + width;
            int target = out + row * outWidth;
            for (int column = 0; column < outWidth; column++) {
                int left = SIZE * column;
                int best = top + left;
                if (x[top + left + 1] > x[best]) {
                    best = top + left + 1;
                }
                if (x[bottom + left] > x[best]) {
                    best = bottom + left;
                }
                if (x[bottom + left + 1] > x[best]) {
                    best = bottom + left + 1;
                }
                y[target + column] = x[best];
                chosen[target + column] = best;
            }
        }
    }

    @Override
    public float[] backward(float[] g, int batch, boolean propagate) {
        if (!propagate) {
            return Buffers.NONE;
        }
        int inputs = batch * channels * height * width;
        inputGradient = Buffers.atLeast(inputGradient, inputs);
        Arrays.fill(inputGradient, 0, inputs, 0f);
        int outputs = batch * channels * outHeight * outWidth;
        for (int k = 0; k < outputs; k++) {
            inputGradient[winners[k]] += g[k];
        }
        return inputGradient;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
