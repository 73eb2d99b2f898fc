package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.OnnxFiles;
import io.fogline.optimize.onnx.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code fogline optimize quantize}: INT8 quantization of an ONNX model's MatMul, Gemm and Conv weights and embedding
 * tables.
 * Nodes it cannot quantize stay in FP32 and are named in the result, so a model is never silently broken.
 */
public final class Quantizer {

    private static final Set<String> WEIGHTED_OPS = Set.of("MatMul", "Gemm", "Conv");

    private Quantizer() {}

    /** Reads {@code in}, quantizes it, writes {@code out}. */
    public static QuantizationResult quantize(Path in, Path out, QuantizationOptions options)
            throws IOException, OrtException {
        QuantizationResult result = quantize(OnnxFiles.read(in), options);
        OnnxFiles.write(result.model(), out);
        return result;
    }

    /** @throws OrtException when static calibration cannot run the model */
    public static QuantizationResult quantize(ModelProto model, QuantizationOptions options) throws OrtException {
        GraphEdit edit = new GraphEdit(model);
        QuantizedWeightStore weights = new QuantizedWeightStore(edit);
        ActivationQuantization activations =
                switch (options.mode()) {
                    case DYNAMIC -> new DynamicActivations(edit);
                    case STATIC ->
                        new CalibratedActivations(
                                edit,
                                Calibrator.ranges(
                                        model,
                                        calibrationTargets(edit),
                                        options.calibration().orElseThrow(),
                                        options.calibrationMethod()));
                };
        MatMulQuantizer matMuls = new MatMulQuantizer(edit, options.perChannel(), weights, activations);
        ConvQuantizer convolutions = new ConvQuantizer(edit, options.perChannel(), weights, activations);
        GatherQuantizer gathers = new GatherQuantizer(edit, weights);
        List<NodeOutcome> outcomes = new ArrayList<>();
        for (NodeProto node : edit.originalNodes()) {
            Outcome outcome = !Nodes.isDefaultDomain(node)
                    ? null
                    : switch (node.getOpType()) {
                        case "MatMul", "Gemm" -> matMuls.rewrite(node);
                        case "Conv" -> convolutions.rewrite(node);
                        case "Gather" -> gathers.rewrite(node);
                        default -> null;
                    };
            if (outcome instanceof Outcome.Quantized quantized) {
                outcomes.add(new NodeOutcome(Nodes.label(node), Nodes.opType(node), true, quantized.how()));
                continue;
            }
            edit.emit(node);
            long fp32Weights = fp32WeightElements(node, edit);
            if (fp32Weights > 0) {
                String reason = outcome instanceof Outcome.Kept kept
                        ? kept.reason()
                        : "Fogline does not quantize " + Nodes.opType(node) + " nodes";
                outcomes.add(new NodeOutcome(
                        Nodes.label(node),
                        Nodes.opType(node),
                        false,
                        reason + " (" + fp32Weights + " FP32 weights stay)"));
            }
        }
        return new QuantizationResult(edit.build(), outcomes);
    }

    /**
     * What static mode calibrates: the first input of every MatMul, Gemm and Conv whose second input is a constant
     * weight, and the output of every such Conv, which QLinearConv produces in UINT8.
     */
    private static Set<String> calibrationTargets(GraphEdit edit) {
        Set<String> inputs = new LinkedHashSet<>();
        for (NodeProto node : edit.originalNodes()) {
            boolean weighted = WEIGHTED_OPS.contains(node.getOpType());
            if (weighted && Nodes.isDefaultDomain(node) && edit.constant(Nodes.input(node, 1)) != null) {
                inputs.add(node.getInput(0));
                if (node.getOpType().equals("Conv")) {
                    inputs.add(node.getOutput(0));
                }
            }
        }
        return inputs;
    }

    /** Elements of the constant FLOAT inputs of rank two or more: the weights a node would have to give up. */
    private static long fp32WeightElements(NodeProto node, GraphEdit edit) {
        long elements = 0;
        for (String input : node.getInputList()) {
            TensorProto constant = input.isEmpty() ? null : edit.constant(input);
            if (constant != null && Tensors.isFloat(constant) && constant.getDimsCount() >= 2) {
                elements += Tensors.elementCount(constant);
            }
        }
        return elements;
    }
}
