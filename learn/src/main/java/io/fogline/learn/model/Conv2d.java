package io.fogline.learn.model;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A 3×3 convolution with stride 1 and one pixel of zero padding, so the image keeps its size, over channel-major
 * ({@code [channels, height, width]}) examples. Computed as im2col followed by a register-blocked matrix product: each
 * example's 3×3 neighbourhoods become the columns of a {@code (channels·9) × pixels} matrix that the filters multiply.
 */
public final class Conv2d implements Layer {

    static final int KERNEL = 3;
    private static final int TAPS = KERNEL * KERNEL;

    private final int channels;
    private final int height;
    private final int width;
    private final int filters;
    private final int patch;
    private final int pixels;
    private final Parameter weight;
    private final Parameter bias;
    private float[] columns = Buffers.NONE;
    private float[] output = Buffers.NONE;
    private float[] columnGradient = Buffers.NONE;
    private float[] inputGradient = Buffers.NONE;
    private float[] weightsTransposed = Buffers.NONE;
    private float[] outputGradientTransposed = Buffers.NONE;
    private float[] weightGradientTransposed = Buffers.NONE;

    public Conv2d(String name, int[] inputShape, int filters, SplittableRandom random) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException(
                    "a convolution takes [channels, height, width], not " + Arrays.toString(inputShape));
        }
        this.channels = inputShape[0];
        this.height = inputShape[1];
        this.width = inputShape[2];
        this.filters = filters;
        this.patch = channels * TAPS;
        this.pixels = height * width;
        this.weight = new Parameter(name + ".weight", new int[] {filters, channels, KERNEL, KERNEL}, true);
        this.bias = new Parameter(name + ".bias", new int[] {filters}, false);
        double deviation = Math.sqrt(2.0 / patch);
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
        return new int[] {channels, height, width};
    }

    @Override
    public int[] outputShape() {
        return new int[] {filters, height, width};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        columns = Buffers.atLeast(columns, batch * patch * pixels);
        output = Buffers.atLeast(output, batch * filters * pixels);
        float[] cols = columns;
        float[] y = output;
        float[] w = weight.values();
        float[] b = bias.values();
        Parallel.forRange(batch, (long) batch * filters * patch * pixels, (from, to) -> {
            for (int e = from; e < to; e++) {
                int colsStart = e * patch * pixels;
                int out = e * filters * pixels;
                im2col(x, e * channels * pixels, cols, colsStart);
                for (int f = 0; f < filters; f++) {
                    Arrays.fill(y, out + f * pixels, out + (f + 1) * pixels, b[f]);
                }
                Kernels.multiply(w, 0, patch, cols, colsStart, pixels, y, out, pixels, filters, pixels, patch);
            }
        });
        return y;
    }

    @Override
    public float[] backward(float[] g, int batch, boolean propagate) {
        // The weight gradient, transposed, is Σ_e cols_e · g_eᵀ: each example's output gradient is transposed to
        // pixels × filters so that the product streams its rows.
        float[] cols = columns;
        outputGradientTransposed = Buffers.atLeast(outputGradientTransposed, batch * pixels * filters);
        float[] gT = outputGradientTransposed;
        for (int e = 0; e < batch; e++) {
            Kernels.transpose(g, e * filters * pixels, filters, pixels, gT, e * pixels * filters);
        }
        weightGradientTransposed = Buffers.atLeast(weightGradientTransposed, patch * filters);
        float[] gwT = weightGradientTransposed;
        Parallel.forRange(patch, (long) batch * filters * patch * pixels, (from, to) -> {
            Arrays.fill(gwT, from * filters, to * filters, 0f);
            for (int e = 0; e < batch; e++) {
                Kernels.multiply(
                        cols,
                        (e * patch + from) * pixels,
                        pixels,
                        gT,
                        e * pixels * filters,
                        filters,
                        gwT,
                        from * filters,
                        filters,
                        to - from,
                        filters,
                        pixels);
            }
        });
        Kernels.transpose(gwT, 0, patch, filters, weight.gradients(), 0);
        Kernels.columnSums(gT, bias.gradients(), batch * pixels, filters);
        if (!propagate) {
            return Buffers.NONE;
        }
        columnGradient = Buffers.atLeast(columnGradient, batch * patch * pixels);
        inputGradient = Buffers.atLeast(inputGradient, batch * channels * pixels);
        float[] gcols = columnGradient;
        float[] gx = inputGradient;
        weightsTransposed = Buffers.atLeast(weightsTransposed, filters * patch);
        float[] transposed = weightsTransposed;
        Kernels.transpose(weight.values(), 0, filters, patch, transposed, 0);
        Parallel.forRange(batch, (long) batch * filters * patch * pixels, (from, to) -> {
            for (int e = from; e < to; e++) {
                int colsStart = e * patch * pixels;
                Arrays.fill(gcols, colsStart, colsStart + patch * pixels, 0f);
                Kernels.multiply(
                        transposed,
                        0,
                        filters,
                        g,
                        e * filters * pixels,
                        pixels,
                        gcols,
                        colsStart,
                        pixels,
                        patch,
                        pixels,
                        filters);
                col2im(gcols, colsStart, gx, e * channels * pixels);
            }
        });
        return gx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** Row {@code (c, dy, dx)} of the columns holds channel {@code c} shifted by {@code (dy - 1, dx - 1)}, zero-padded. */
    private void im2col(float[] x, int xStart, float[] cols, int colsStart) {
        for (int c = 0; c < channels; c++) {
            for (int tap = 0; tap < TAPS; tap++) {
                int dy = tap / KERNEL - 1;
                int dx = tap % KERNEL - 1;
                int row = colsStart + (c * TAPS + tap) * pixels;
                for (int y = 0; y < height; y++) {
                    int target = row + y * width;
                    int sourceY = y + dy;
                    if (sourceY < 0 || sourceY >= height) {
                        Arrays.fill(cols, target, target + width, 0f);
                        continue;
                    }
                    int from = Math.max(0, -dx);
                    int to = Math.min(width, width - dx);
                    Arrays.fill(cols, target, target + from, 0f);
                    System.arraycopy(
                            x, xStart + (c * height + sourceY) * width + from + dx, cols, target + from, to - from);
                    Arrays.fill(cols, target + to, target + width, 0f);
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: sums each column entry back onto the pixel it was copied from. */
    private void col2im(float[] gcols, int colsStart, float[] gx, int xStart) {
        Arrays.fill(gx, xStart, xStart + channels * pixels, 0f);
        for (int c = 0; c < channels; c++) {
            for (int tap = 0; tap < TAPS; tap++) {
                int dy = tap / KERNEL - 1;
                int dx = tap % KERNEL - 1;
                int row = colsStart + (c * TAPS + tap) * pixels;
                for (int y = 0; y < height; y++) {
                    int sourceY = y + dy;
                    if (sourceY < 0 || sourceY >= height) {
                        continue;
                    }
                    int from = Math.max(0, -dx);
                    int to = Math.min(width, width - dx);
                    Kernels.axpy(
                            1f,
                            gcols,
                            row + y * width + from,
                            gx,
                            xStart + (c * height + sourceY) * width + from + dx,
                            to - from);
                }
            }
        }
    }
}
