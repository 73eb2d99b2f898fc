package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * The quantized model and what happened to each node that quantization looked at: every node it rewrote, and every
 * node that holds FP32 weights it left alone, with the reason.
 */
public record QuantizationResult(ModelProto model, List<NodeOutcome> outcomes) {

    public QuantizationResult {
        outcomes = List.copyOf(outcomes);
    }

    public List<NodeOutcome> quantized() {
        return outcomes.stream().filter(NodeOutcome::quantized).toList();
    }

    public List<NodeOutcome> leftFp32() {
        return outcomes.stream().filter(outcome -> !outcome.quantized()).toList();
    }
}
