package io.fogline.optimize.quantize;

import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Static activation quantization: {@code QuantizeLinear} with the scale and zero point of the range each activation
 * took on the calibration samples, fixed in the model.
 */
final class CalibratedActivations implements ActivationQuantization {

    private final GraphEdit edit;
    private final Map<String, ActivationRange> ranges;
    private final Map<String, Names> quantized = new HashMap<>();

    CalibratedActivations(GraphEdit edit, Map<String, ActivationRange> ranges) {
        this.edit = edit;
        this.ranges = Map.copyOf(ranges);
    }

    @Override
    public long minOpset() {
        return 10;
    }

    @Override
    public String obstacle(String activation) {
        return ranges.containsKey(activation) ? null : "calibration observed no range for its input " + activation;
    }

    @Override
    public Names quantize(String activation) {
        return quantized.computeIfAbsent(activation, value -> {
            ActivationRange range = ranges.get(value);
            Names names = new Names(
                    edit.freshName(value + "_quantized"),
                    edit.freshName(value + "_scale"),
                    edit.freshName(value + "_zero_point"));
            edit.addInitializer(Tensors.scalar(names.scale(), range.scale()));
            edit.addInitializer(Tensors.uint8s(names.zeroPoint(), new long[0], new byte[] {(byte) range.zeroPoint()}));
            edit.emit(edit.node(
                            "QuantizeLinear",
                            value + "_QuantizeLinear",
                            List.of(value, names.scale(), names.zeroPoint()),
                            List.of(names.values()))
                    .build());
            return names;
        });
    }

    @Override
    public Optional<ActivationRange> calibratedRange(String value) {
        return Optional.ofNullable(ranges.get(value));
    }

    @Override
    public String describe(String activation) {
        ActivationRange range = ranges.get(activation);
        return String.format(Locale.ROOT, "activations UINT8 calibrated to [%.4g, %.4g]", range.min(), range.max());
    }
}
