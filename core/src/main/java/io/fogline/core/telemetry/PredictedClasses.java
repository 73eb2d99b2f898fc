package io.fogline.core.telemetry;

import io.fogline.core.tensor.Tensor;
import io.fogline.core.tensor.TensorValues;

/**
 * The mix of predicted classes in a tensor of class scores: a floating-point tensor of rank 2 or more whose last
 * dimension (two or more) holds one score per class, each row predicting its arg-max. Bundles count it over their
 * golden outputs, nodes over their answers, and the control plane compares the two.
 */
public final class PredictedClasses {

    private PredictedClasses() {}

    /** The number of classes, or 0 when the tensor does not hold class scores. */
    public static int width(Tensor tensor) {
        if (!TensorValues.isFloatingPoint(tensor.datatype()) || tensor.rank() < 2) {
            return 0;
        }
        long width = tensor.dim(tensor.rank() - 1);
        return width < 2 ? 0 : (int) width;
    }

    /** Adds each row's predicted class to {@code counts}, which has {@link #width(Tensor)} entries. */
    public static void count(Tensor tensor, long[] counts) {
        count(TensorValues.of(tensor), counts);
    }

    /** {@link #count(Tensor, long[])} of the tensor's elements already widened by {@link TensorValues#of}. */
    public static void count(double[] values, long[] counts) {
        int width = counts.length;
        for (int row = 0; row + width <= values.length; row += width) {
            int top = 0;
            for (int i = 1; i < width; i++) {
                if (values[row + i] > values[row + top]) {
                    top = i;
                }
            }
            counts[top]++;
        }
    }
}
