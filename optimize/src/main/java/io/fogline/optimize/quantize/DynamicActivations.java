package io.fogline.optimize.quantize;

import io.fogline.optimize.onnx.GraphEdit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code DynamicQuantizeLinear}: each call's activation range becomes its own UINT8 scale and zero point. */
final class DynamicActivations implements ActivationQuantization {

    private final GraphEdit edit;
    private final Map<String, Names> quantized = new HashMap<>();

    DynamicActivations(GraphEdit edit) {
        this.edit = edit;
    }

    @Override
    public long minOpset() {
        return 11;
    }

    @Override
    public String obstacle(String activation) {
        return null;
    }

    @Override
    public Names quantize(String activation) {
        return quantized.computeIfAbsent(activation, value -> {
            Names names = new Names(
                    edit.freshName(value + "_quantized"),
                    edit.freshName(value + "_scale"),
                    edit.freshName(value + "_zero_point"));
            edit.emit(edit.node(
                            "DynamicQuantizeLinear",
                            value + "_DynamicQuantizeLinear",
                            List.of(value),
                            List.of(names.values(), names.scale(), names.zeroPoint()))
                    .build());
            return names;
        });
    }

    @Override
    public Optional<ActivationRange> calibratedRange(String value) {
        return Optional.empty();
    }

    @Override
    public String describe(String activation) {
        return "activations UINT8 per call";
    }
}
