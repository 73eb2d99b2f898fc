package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * Convolutions with a constant weight, in integer form:
 *
 * <pre>
 * quantize(X) → X_q, X_scale, X_zero
 * ConvInteger(X_q, W_q, X_zero, W_zero) → Cast(float) → Mul(X_scale · W_scale[M,1,…]) [→ Add(B[M,1,…])]
 * </pre>
 *
 * Weights get one scale per output channel (or one in all); ConvInteger has no bias, so the bias is added after.
 */
final class ConvQuantizer {

    private final GraphEdit edit;
    private final boolean perChannel;
    private final QuantizedWeightStore weights;
    private final ActivationQuantization activations;

    ConvQuantizer(
            GraphEdit edit, boolean perChannel, QuantizedWeightStore weights, ActivationQuantization activations) {
        this.edit = edit;
        this.perChannel = perChannel;
        this.weights = weights;
        this.activations = activations;
    }

    Outcome rewrite(NodeProto node) {
        String activation = Nodes.input(node, 0);
        TensorProto weight = edit.constant(Nodes.input(node, 1));
        if (weight == null || !Tensors.isFloat(weight)) {
            return Outcome.kept("its weight is not a FLOAT constant");
        }
        if (weight.getDimsCount() < 3) {
            return Outcome.kept("its weight has rank " + weight.getDimsCount() + ", not a convolution kernel");
        }
        String bias = Nodes.input(node, 2);
        if (!bias.isEmpty() && edit.constant(bias) == null) {
            return Outcome.kept("its bias is computed at run time");
        }
        if (edit.defaultOpset() < activations.minOpset()) {
            return Outcome.kept("opset " + edit.defaultOpset() + " lacks the integer operators (opset "
                    + activations.minOpset() + ")");
        }
        String obstacle = activations.obstacle(activation);
        if (obstacle != null) {
            return Outcome.kept(obstacle);
        }
        int channels = (int) weight.getDims(0);
        long[] dims = QuantizedWeightStore.dims(weight);
        int patch = Math.toIntExact(Tensors.elementCount(weight) / channels);
        Int8Weights quantized = Int8Weights.quantize(
                Tensors.floats(weight),
                channels,
                patch,
                perChannel ? Int8Weights.Channels.ROWS : Int8Weights.Channels.NONE);
        long[] broadcast = new long[dims.length - 1];
        Arrays.fill(broadcast, 1);
        broadcast[0] = channels;
        QuantizedWeightStore.Names w = weights.add(
                weight.getName() + "|conv",
                weight.getName(),
                quantized,
                dims,
                quantized.perChannel() ? broadcast : new long[0]);

        String base = Nodes.label(node);
        ActivationQuantization.Names a = activations.quantize(activation);
        String product = edit.freshName(base + "_int32");
        String productFloat = edit.freshName(base + "_float");
        String scale = edit.freshName(base + "_scale");
        String output = node.getOutput(0);
        String scaled = bias.isEmpty() ? output : edit.freshName(base + "_conv");
        NodeProto.Builder convolution = edit.node(
                "ConvInteger",
                base + "_ConvInteger",
                List.of(a.values(), w.values(), a.zeroPoint(), w.zeroPoint()),
                List.of(product));
        for (AttributeProto attribute : node.getAttributeList()) {
            convolution.addAttribute(attribute);
        }
        edit.emit(convolution.build());
        edit.emit(edit.node("Cast", base + "_Cast", List.of(product), List.of(productFloat))
                .addAttribute(GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .build());
        edit.emit(edit.node("Mul", base + "_scales_Mul", List.of(a.scale(), w.scale()), List.of(scale))
                .build());
        edit.emit(edit.node("Mul", base + "_Mul", List.of(productFloat, scale), List.of(scaled))
                .build());
        if (!bias.isEmpty()) {
            String reshapedBias = edit.freshName(bias + "_per_channel");
            edit.addInitializer(Tensors.floats(reshapedBias, broadcast, Tensors.floats(edit.constant(bias))));
            edit.emit(edit.node("Add", base + "_bias_Add", List.of(scaled, reshapedBias), List.of(output))
                    .build());
        }
        return Outcome.quantized(QuantizedWeightStore.describe(quantized) + ", " + activations.describe(activation));
    }
}
