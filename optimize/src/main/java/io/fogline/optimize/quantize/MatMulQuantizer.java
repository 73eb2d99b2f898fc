package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.util.List;

/**
 * Quantization of MatMul and Gemm with a constant weight, in the operator form ONNX Runtime fuses into one integer
 * kernel ({@code MatMulIntegerToFloat}, with dynamic activations {@code DynamicQuantizeMatMul}):
 *
 * <pre>
 * quantize(A) → A_q, A_scale, A_zero
 * MatMulInteger(A_q, W_q, A_zero, W_zero) → Cast(float) → Mul(A_scale · W_scale) [→ Add(β·C) for Gemm]
 * </pre>
 *
 * Weights are quantized once to INT8; activations to UINT8 as {@link ActivationQuantization} decides.
 */
final class MatMulQuantizer {

    private final GraphEdit edit;
    private final boolean perChannel;
    private final QuantizedWeightStore weights;
    private final ActivationQuantization activations;

    MatMulQuantizer(
            GraphEdit edit, boolean perChannel, QuantizedWeightStore weights, ActivationQuantization activations) {
        this.edit = edit;
        this.perChannel = perChannel;
        this.weights = weights;
        this.activations = activations;
    }

    Outcome rewrite(NodeProto node) {
        boolean gemm = node.getOpType().equals("Gemm");
        String activation = Nodes.input(node, 0);
        TensorProto weight = edit.constant(Nodes.input(node, 1));
        if (weight == null) {
            return Outcome.kept("its second input is computed at run time, not a constant weight");
        }
        if (!Tensors.isFloat(weight)) {
            return Outcome.kept("its weight is not FLOAT (data type " + weight.getDataType() + ")");
        }
        if (weight.getDimsCount() != 2) {
            return Outcome.kept("its weight has rank " + weight.getDimsCount() + ", only 2-D weights are quantized");
        }
        if (edit.constant(activation) != null) {
            return Outcome.kept("both inputs are constants: fold them instead");
        }
        if (edit.defaultOpset() < activations.minOpset()) {
            return Outcome.kept("opset " + edit.defaultOpset() + " lacks the integer operators (opset "
                    + activations.minOpset() + ")");
        }
        String obstacle = activations.obstacle(activation);
        if (obstacle != null) {
            return Outcome.kept(obstacle);
        }
        if (gemm && Nodes.intAttribute(node, "transA", 0) != 0) {
            return Outcome.kept("Gemm with transA=1 is not supported");
        }
        boolean transposed = gemm && Nodes.intAttribute(node, "transB", 0) != 0;
        float alpha = gemm ? Nodes.floatAttribute(node, "alpha", 1f) : 1f;
        int rows = (int) weight.getDims(transposed ? 1 : 0);
        int columns = (int) weight.getDims(transposed ? 0 : 1);
        float[] matrix = Tensors.floats(weight);
        if (transposed) {
            matrix = transpose(matrix, columns, rows);
        }
        Int8Weights quantized = Int8Weights.quantize(
                        matrix,
                        rows,
                        columns,
                        perChannel ? Int8Weights.Channels.COLUMNS : Int8Weights.Channels.NONE,
                        Int8Weights.Range.INTEGER_PRODUCT)
                .scaledBy(alpha);
        QuantizedWeightStore.Names w =
                weights.add(weight.getName() + "|" + transposed + "|" + alpha, weight.getName(), quantized, new long[] {
                    rows, columns
                });

        String base = Nodes.label(node);
        ActivationQuantization.Names a = activations.quantize(activation);
        String product = edit.freshName(base + "_int32");
        String productFloat = edit.freshName(base + "_float");
        String scale = edit.freshName(base + "_scale");
        String output = node.getOutput(0);
        String bias = gemm ? Nodes.input(node, 2) : "";
        String scaled = bias.isEmpty() ? output : edit.freshName(base + "_matmul");
        edit.emit(edit.node(
                        "MatMulInteger",
                        base + "_MatMulInteger",
                        List.of(a.values(), w.values(), a.zeroPoint(), w.zeroPoint()),
                        List.of(product))
                .build());
        edit.emit(edit.node("Cast", base + "_Cast", List.of(product), List.of(productFloat))
                .addAttribute(GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .build());
        edit.emit(edit.node("Mul", base + "_scales_Mul", List.of(a.scale(), w.scale()), List.of(scale))
                .build());
        edit.emit(edit.node("Mul", base + "_Mul", List.of(productFloat, scale), List.of(scaled))
                .build());
        if (!bias.isEmpty()) {
            edit.emit(edit.node("Add", base + "_bias_Add", List.of(scaled, scaledBias(node, bias)), List.of(output))
                    .build());
        }
        return Outcome.quantized(QuantizedWeightStore.describe(quantized) + ", " + activations.describe(activation));
    }

    /** Gemm's bias times beta: folded into a new constant when the bias is one, a Mul otherwise. */
    private String scaledBias(NodeProto node, String bias) {
        float beta = Nodes.floatAttribute(node, "beta", 1f);
        if (beta == 1f) {
            return bias;
        }
        TensorProto constant = edit.constant(bias);
        String name = edit.freshName(bias + "_times_beta");
        if (constant != null && Tensors.isFloat(constant)) {
            float[] values = Tensors.floats(constant);
            for (int k = 0; k < values.length; k++) {
                values[k] *= beta;
            }
            edit.addInitializer(Tensors.floats(name, QuantizedWeightStore.dims(constant), values));
            return name;
        }
        String betaName = edit.freshName(Nodes.label(node) + "_beta");
        edit.addInitializer(Tensors.scalar(betaName, beta));
        edit.emit(edit.node("Mul", Nodes.label(node) + "_beta_Mul", List.of(bias, betaName), List.of(name))
                .build());
        return name;
    }

    private static float[] transpose(float[] matrix, int rows, int columns) {
        float[] transposed = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                transposed[c * rows + r] = matrix[r * columns + c];
            }
        }
        return transposed;
    }
}
