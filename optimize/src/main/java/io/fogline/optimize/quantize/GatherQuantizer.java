package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.util.List;

/**
 * Embedding tables (Gather of rows from a constant 2-D table): the table is stored in int8 with one scale per column,
 * the gathered rows are turned back into floats: {@code Gather(T_q, ids) → Cast(float) → Mul(scales)}. Only the rows a
 * call reads are dequantized, and the Cast-and-Mul form works in every opset, unlike per-axis DequantizeLinear.
 */
final class GatherQuantizer {

    private final GraphEdit edit;
    private final boolean perChannel;
    private final QuantizedWeightStore weights;

    GatherQuantizer(GraphEdit edit, boolean perChannel, QuantizedWeightStore weights) {
        this.edit = edit;
        this.perChannel = perChannel;
        this.weights = weights;
    }

    Outcome rewrite(NodeProto node) {
        TensorProto table = edit.constant(Nodes.input(node, 0));
        if (table == null) {
            return Outcome.kept("it gathers from computed data, not a constant table");
        }
        if (!Tensors.isFloat(table) || table.getDimsCount() != 2) {
            return Outcome.kept("its table is not a 2-D FLOAT tensor");
        }
        if (Nodes.intAttribute(node, "axis", 0) != 0) {
            return Outcome.kept("it gathers along axis " + Nodes.intAttribute(node, "axis", 0) + ", not rows");
        }
        int rows = (int) table.getDims(0);
        int columns = (int) table.getDims(1);
        Int8Weights quantized = Int8Weights.quantize(
                Tensors.floats(table),
                rows,
                columns,
                perChannel ? Int8Weights.Channels.COLUMNS : Int8Weights.Channels.NONE);
        QuantizedWeightStore.Names names =
                weights.add(table.getName() + "|gather", table.getName(), quantized, new long[] {rows, columns});
        String base = Nodes.label(node);
        String gathered = edit.freshName(base + "_quantized");
        String gatheredFloat = edit.freshName(base + "_float");
        edit.emit(edit.node("Gather", base, List.of(names.values(), Nodes.input(node, 1)), List.of(gathered))
                .addAttribute(GraphEdit.intAttribute("axis", 0))
                .build());
        edit.emit(edit.node("Cast", base + "_Cast", List.of(gathered), List.of(gatheredFloat))
                .addAttribute(GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .build());
        edit.emit(edit.node("Mul", base + "_Mul", List.of(gatheredFloat, names.scale()), List.of(node.getOutput(0)))
                .build());
        return Outcome.quantized(
                QuantizedWeightStore.describe(quantized) + " table, rows dequantized after the gather");
    }
}
