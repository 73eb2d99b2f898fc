package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.util.HashMap;
import java.util.Map;

/**
 * Adds each quantized weight to the graph once, however many nodes share it: as an int8 tensor, a scalar int8 zero
 * point of 0 (the quantization is symmetric) and float scales, per channel or per tensor.
 */
final class QuantizedWeightStore {

    /** The initializer names of one quantized weight. */
    record Names(String values, String zeroPoint, String scale) {}

    private final GraphEdit edit;
    private final Map<String, Names> added = new HashMap<>();

    QuantizedWeightStore(GraphEdit edit) {
        this.edit = edit;
    }

    /**
     * @param key identifies the float weight and every transformation applied to it (transpose, folded factors)
     */
    Names add(String key, String baseName, Int8Weights weights, long[] dims) {
        return add(
                key,
                baseName,
                weights,
                dims,
                weights.perChannel() ? new long[] {weights.scales().length} : new long[0]);
    }

    /**
     * @param scaleDims the shape to store the scales in, for where they must broadcast against more than the last axis
     */
    Names add(String key, String baseName, Int8Weights weights, long[] dims, long[] scaleDims) {
        return added.computeIfAbsent(key, k -> {
            Names names = new Names(
                    edit.freshName(baseName + "_quantized"),
                    edit.freshName(baseName + "_zero_point"),
                    edit.freshName(baseName + "_scale"));
            edit.addInitializer(Tensors.int8s(names.values(), dims, weights.values()));
            // Symmetric: every zero point is 0, so one scalar serves all channels (ConvInteger accepts no other).
            edit.addInitializer(Tensors.int8s(names.zeroPoint(), new long[0], new byte[1]));
            edit.addInitializer(Tensors.floats(names.scale(), scaleDims, weights.scales()));
            return names;
        });
    }

    static String describe(Int8Weights weights) {
        return weights.perChannel()
                ? "INT8 weights per channel (" + weights.scales().length + " scales)"
                : "INT8 weights per tensor";
    }

    static long[] dims(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }
}
