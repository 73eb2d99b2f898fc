package io.fogline.runtime.repository;

import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Triton's classification extension: an output's top-k classes per batch row, as BYTES elements
 * {@code "score:index[:label]"}, best first.
 */
final class Classification {

    private Classification() {}

    static Tensor topK(Tensor output, int k, boolean batched, List<String> labels) {
        if (output.datatype() == DataType.BYTES || output.datatype() == DataType.BOOL) {
            throw InferenceException.invalid(
                    "output '" + output.name() + "' is " + output.datatype() + " and cannot be classified");
        }
        long rows = batched && output.rank() > 0 ? output.dim(0) : 1;
        int classes = (int) (output.elementCount() / Math.max(1, rows));
        int keep = Math.min(k, classes);
        double[] scores = scores(output);
        List<byte[]> elements = new ArrayList<>((int) rows * keep);
        for (int row = 0; row < rows; row++) {
            int offset = row * classes;
            Integer[] order = new Integer[classes];
            for (int c = 0; c < classes; c++) {
                order[c] = c;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[offset + b], scores[offset + a]));
            for (int rank = 0; rank < keep; rank++) {
                int index = order[rank];
                String label = index < labels.size() ? ":" + labels.get(index) : "";
                elements.add((scores[offset + index] + ":" + index + label).getBytes(StandardCharsets.UTF_8));
            }
        }
        long[] shape = batched ? new long[] {rows, keep} : new long[] {keep};
        return Tensor.ofBytes(output.name(), shape, elements);
    }

    private static double[] scores(Tensor output) {
        ByteBuffer data = output.data();
        double[] scores = new double[(int) output.elementCount()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = switch (output.datatype()) {
                case FP32 -> data.getFloat();
                case FP64 -> data.getDouble();
                case FP16 -> Float.float16ToFloat(data.getShort());
                case BF16 -> Float.intBitsToFloat((data.getShort() & 0xFFFF) << 16);
                case INT8 -> data.get();
                case UINT8 -> data.get() & 0xFF;
                case INT16 -> data.getShort();
                case UINT16 -> data.getShort() & 0xFFFF;
                case INT32 -> data.getInt();
                case UINT32 -> data.getInt() & 0xFFFF_FFFFL;
                case INT64, UINT64 -> data.getLong();
                case BOOL, BYTES -> throw new AssertionError("refused above");
            };
        }
        return scores;
    }
}
