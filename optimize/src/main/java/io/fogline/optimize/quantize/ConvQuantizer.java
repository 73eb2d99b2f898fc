package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Convolutions with a constant weight. Weights get one INT8 scale per output channel (or one in all). With a calibrated
 * output range (static mode) the convolution becomes ONNX Runtime's fast integer kernel:
 *
 * <pre>
 * QuantizeLinear(X) → QLinearConv(X_q, W_q, B_int32, Y_scale, Y_zero) → DequantizeLinear → Y
 * </pre>
 *
 * Without one (dynamic mode) it becomes {@code ConvInteger → Cast → Mul(X_scale · W_scale) [→ Add(B)]}, which ONNX
 * Runtime runs without a fused kernel: smaller, but slower than FP32 on CPU (the report shows by how much).
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
        TensorProto biasTensor = bias.isEmpty() ? null : edit.constant(bias);
        if (!bias.isEmpty() && (biasTensor == null || !Tensors.isFloat(biasTensor))) {
            return Outcome.kept("its bias is not a FLOAT constant");
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
        int patch = Math.toIntExact(Tensors.elementCount(weight) / channels);
        Int8Weights quantized = Int8Weights.quantize(
                Tensors.floats(weight),
                channels,
                patch,
                perChannel ? Int8Weights.Channels.ROWS : Int8Weights.Channels.NONE,
                Int8Weights.Range.INTEGER_PRODUCT);
        float[] biasValues = biasTensor == null ? null : Tensors.floats(biasTensor);
        Optional<ActivationRange> outputRange = activations.calibratedRange(node.getOutput(0));
        String how = QuantizedWeightStore.describe(quantized) + ", " + activations.describe(activation);
        if (outputRange.isPresent()) {
            emitQLinearConv(node, weight, quantized, biasValues, outputRange.get());
            return Outcome.quantized("QLinearConv, " + how);
        }
        emitConvInteger(node, weight, quantized, biasValues);
        return Outcome.quantized("ConvInteger, " + how);
    }

    private void emitQLinearConv(
            NodeProto node, TensorProto weight, Int8Weights quantized, float[] biasValues, ActivationRange output) {
        String base = Nodes.label(node);
        ActivationRange input =
                activations.calibratedRange(Nodes.input(node, 0)).orElseThrow();
        ActivationQuantization.Names x = activations.quantize(Nodes.input(node, 0));
        long[] scaleDims = quantized.perChannel() ? new long[] {quantized.scales().length} : new long[0];
        QuantizedWeightStore.Names w = weights.add(
                weight.getName() + "|qlinearconv",
                weight.getName(),
                quantized,
                QuantizedWeightStore.dims(weight),
                scaleDims);
        String outputScale = edit.freshName(base + "_output_scale");
        String outputZero = edit.freshName(base + "_output_zero_point");
        edit.addInitializer(Tensors.scalar(outputScale, output.scale()));
        edit.addInitializer(Tensors.uint8s(outputZero, new long[0], new byte[] {(byte) output.zeroPoint()}));
        List<String> inputs = new ArrayList<>(List.of(
                x.values(), x.scale(), x.zeroPoint(), w.values(), w.scale(), w.zeroPoint(), outputScale, outputZero));
        if (biasValues != null) {
            // QLinearConv adds an INT32 bias in the accumulator's scale, input scale times each channel's weight scale.
            int[] biasQuantized = new int[biasValues.length];
            for (int c = 0; c < biasValues.length; c++) {
                float accumulatorScale = input.scale() * quantized.scaleOf(c, 0);
                biasQuantized[c] = Math.round(biasValues[c] / accumulatorScale);
            }
            String biasName = edit.freshName(base + "_bias_int32");
            edit.addInitializer(Tensors.int32s(biasName, new long[] {biasValues.length}, biasQuantized));
            inputs.add(biasName);
        }
        String quantizedOutput = edit.freshName(base + "_quantized");
        NodeProto.Builder convolution =
                edit.node("QLinearConv", base + "_QLinearConv", inputs, List.of(quantizedOutput));
        copyAttributes(node, convolution);
        edit.emit(convolution.build());
        edit.emit(edit.node(
                        "DequantizeLinear",
                        base + "_DequantizeLinear",
                        List.of(quantizedOutput, outputScale, outputZero),
                        List.of(node.getOutput(0)))
                .build());
    }

    private void emitConvInteger(NodeProto node, TensorProto weight, Int8Weights quantized, float[] biasValues) {
        long[] broadcast = new long[weight.getDimsCount() - 1];
        Arrays.fill(broadcast, 1);
        broadcast[0] = quantized.rows();
        QuantizedWeightStore.Names w = weights.add(
                weight.getName() + "|conv",
                weight.getName(),
                quantized,
                QuantizedWeightStore.dims(weight),
                quantized.perChannel() ? broadcast : new long[0]);
        String base = Nodes.label(node);
        ActivationQuantization.Names a = activations.quantize(Nodes.input(node, 0));
        String product = edit.freshName(base + "_int32");
        String productFloat = edit.freshName(base + "_float");
        String scale = edit.freshName(base + "_scale");
        String output = node.getOutput(0);
        String scaled = biasValues == null ? output : edit.freshName(base + "_conv");
        NodeProto.Builder convolution = edit.node(
                "ConvInteger",
                base + "_ConvInteger",
                List.of(a.values(), w.values(), a.zeroPoint(), w.zeroPoint()),
                List.of(product));
        copyAttributes(node, convolution);
        edit.emit(convolution.build());
        edit.emit(edit.node("Cast", base + "_Cast", List.of(product), List.of(productFloat))
                .addAttribute(GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .build());
        edit.emit(edit.node("Mul", base + "_scales_Mul", List.of(a.scale(), w.scale()), List.of(scale))
                .build());
        edit.emit(edit.node("Mul", base + "_Mul", List.of(productFloat, scale), List.of(scaled))
                .build());
        if (biasValues != null) {
            String reshapedBias = edit.freshName(Nodes.input(node, 2) + "_per_channel");
            edit.addInitializer(Tensors.floats(reshapedBias, broadcast, biasValues));
            edit.emit(edit.node("Add", base + "_bias_Add", List.of(scaled, reshapedBias), List.of(output))
                    .build());
        }
    }

    private static void copyAttributes(NodeProto from, NodeProto.Builder to) {
        for (AttributeProto attribute : from.getAttributeList()) {
            to.addAttribute(attribute);
        }
    }
}
