package io.fogline.bundle.delta;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** ONNX models written in protobuf's wire format by hand, as ONNX writes them, with float tensors of given bytes. */
public final class OnnxBytes {

    public record Tensor(String name, byte[] data) {}

    private OnnxBytes() {}

    public static byte[] model(List<Tensor> initializers) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        field(
                graph,
                1,
                node(
                        "MatMul",
                        "input",
                        initializers.isEmpty() ? "w" : initializers.get(0).name()));
        field(graph, 2, "graph".getBytes(StandardCharsets.UTF_8));
        for (Tensor tensor : initializers) {
            ByteArrayOutputStream proto = new ByteArrayOutputStream();
            tag(proto, 1, 0);
            varint(proto, tensor.data().length / 4);
            tag(proto, 2, 0);
            varint(proto, 1);
            field(proto, 8, tensor.name().getBytes(StandardCharsets.UTF_8));
            field(proto, 9, tensor.data());
            field(graph, 5, proto.toByteArray());
        }
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        tag(model, 1, 0);
        varint(model, 8);
        field(model, 2, "fogline-tests".getBytes(StandardCharsets.UTF_8));
        field(model, 7, graph.toByteArray());
        return model.toByteArray();
    }

    private static byte[] node(String operator, String... inputs) {
        ByteArrayOutputStream node = new ByteArrayOutputStream();
        for (String input : inputs) {
            field(node, 1, input.getBytes(StandardCharsets.UTF_8));
        }
        field(node, 4, operator.getBytes(StandardCharsets.UTF_8));
        return node.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        tag(out, number, 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void tag(ByteArrayOutputStream out, int number, int wire) {
        varint(out, ((long) number << 3) | wire);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
