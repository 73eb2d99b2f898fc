package io.fogline.runtime.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl.Version;
import com.google.protobuf.ByteString;
import io.fogline.core.tensor.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes small real ONNX models for tests and benchmarks. Every tensor a model takes or gives has a leading dynamic
 * dimension named {@code batch}, so the models also serve batching tests.
 */
public final class TinyModels {

    private static final int OPSET = 19;

    private TinyModels() {}

    /**
     * A two-layer perceptron with random weights from {@code seed}: FP32 {@code input} [batch, inputs] → MatMul, Add,
     * Relu → MatMul, Add, Softmax → FP32 {@code probabilities} [batch, outputs]. The weights are initializers named
     * {@code w1} [inputs, hidden], {@code b1} [hidden], {@code w2} [hidden, outputs] and {@code b2} [outputs].
     *
     * @return {@code file}
     */
    public static Path mlp(Path file, int inputs, int hidden, int outputs, long seed) throws IOException {
        return mlp(file, inputs, hidden, outputs, seed, seed);
    }

    /**
     * As {@link #mlp(Path, int, int, int, long)}, with the output layer ({@code w2}, {@code b2}) from {@code outputSeed}:
     * two such models of one {@code seed} are a model and its fine-tuned last layer, sharing {@code w1} and {@code b1}.
     */
    public static Path mlp(Path file, int inputs, int hidden, int outputs, long seed, long outputSeed)
            throws IOException {
        Random random = new Random(seed);
        Random outputRandom = outputSeed == seed ? random : new Random(outputSeed);
        GraphProto graph = GraphProto.newBuilder()
                .setName("mlp")
                .addInput(tensor("input", TensorProto.DataType.FLOAT, "batch", inputs))
                .addOutput(tensor("probabilities", TensorProto.DataType.FLOAT, "batch", outputs))
                .addInitializer(weights("w1", random, Math.sqrt(2.0 / inputs), inputs, hidden))
                .addInitializer(weights("b1", random, 0.1, hidden))
                .addInitializer(weights("w2", outputRandom, Math.sqrt(1.0 / hidden), hidden, outputs))
                .addInitializer(weights("b2", outputRandom, 0.1, outputs))
                .addNode(node("MatMul", "hidden_product", "input", "w1"))
                .addNode(node("Add", "hidden_sum", "hidden_product", "b1"))
                .addNode(node("Relu", "hidden", "hidden_sum"))
                .addNode(node("MatMul", "output_product", "hidden", "w2"))
                .addNode(node("Add", "logits", "output_product", "b2"))
                .addNode(node("Softmax", "probabilities", "logits").toBuilder()
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(-1)))
                .build();
        return write(file, graph);
    }

    /**
     * Returns its input: {@code x} [batch, n] → {@code y} [batch, n], both of {@code datatype}; {@link DataType#BYTES}
     * becomes an ONNX string tensor.
     *
     * @return {@code file}
     */
    public static Path identity(Path file, DataType datatype) throws IOException {
        TensorProto.DataType type = onnxType(datatype);
        GraphProto graph = GraphProto.newBuilder()
                .setName("identity_" + datatype.name().toLowerCase(Locale.ROOT))
                .addInput(tensor("x", type, "batch", "n"))
                .addOutput(tensor("y", type, "batch", "n"))
                .addNode(node("Identity", "y", "x"))
                .build();
        return write(file, graph);
    }

    /**
     * Returns both its inputs, so that a request carries text beside the scores a router reads: FP32 {@code x} [batch,
     * n] → {@code y}, and a string tensor {@code text} [batch, m] → {@code text_out}.
     *
     * @return {@code file}
     */
    public static Path identityWithText(Path file) throws IOException {
        GraphProto graph = GraphProto.newBuilder()
                .setName("identity_with_text")
                .addInput(tensor("x", TensorProto.DataType.FLOAT, "batch", "n"))
                .addInput(tensor("text", TensorProto.DataType.STRING, "batch", "m"))
                .addOutput(tensor("y", TensorProto.DataType.FLOAT, "batch", "n"))
                .addOutput(tensor("text_out", TensorProto.DataType.STRING, "batch", "m"))
                .addNode(node("Identity", "y", "x"))
                .addNode(node("Identity", "text_out", "text"))
                .build();
        return write(file, graph);
    }

    /**
     * Adds two FP32 tensors: {@code a} [batch, n] + {@code b} [batch, n] → {@code sum} [batch, n].
     *
     * @return {@code file}
     */
    public static Path add(Path file) throws IOException {
        GraphProto graph = GraphProto.newBuilder()
                .setName("add")
                .addInput(tensor("a", TensorProto.DataType.FLOAT, "batch", "n"))
                .addInput(tensor("b", TensorProto.DataType.FLOAT, "batch", "n"))
                .addOutput(tensor("sum", TensorProto.DataType.FLOAT, "batch", "n"))
                .addNode(node("Add", "sum", "a", "b"))
                .build();
        return write(file, graph);
    }

    private static TensorProto.DataType onnxType(DataType datatype) {
        return switch (datatype) {
            case BOOL -> TensorProto.DataType.BOOL;
            case UINT8 -> TensorProto.DataType.UINT8;
            case UINT16 -> TensorProto.DataType.UINT16;
            case UINT32 -> TensorProto.DataType.UINT32;
            case UINT64 -> TensorProto.DataType.UINT64;
            case INT8 -> TensorProto.DataType.INT8;
            case INT16 -> TensorProto.DataType.INT16;
            case INT32 -> TensorProto.DataType.INT32;
            case INT64 -> TensorProto.DataType.INT64;
            case FP16 -> TensorProto.DataType.FLOAT16;
            case BF16 -> TensorProto.DataType.BFLOAT16;
            case FP32 -> TensorProto.DataType.FLOAT;
            case FP64 -> TensorProto.DataType.DOUBLE;
            case BYTES -> TensorProto.DataType.STRING;
        };
    }

    /** A tensor's type; each dimension is a size (Integer) or a symbolic name (String) for a dynamic one. */
    private static ValueInfoProto tensor(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            shape.addDim(
                    dim instanceof Integer size
                            ? TensorShapeProto.Dimension.newBuilder().setDimValue(size)
                            : TensorShapeProto.Dimension.newBuilder().setDimParam((String) dim));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(shape)))
                .build();
    }

    private static NodeProto node(String operator, String output, String... inputs) {
        return NodeProto.newBuilder()
                .setOpType(operator)
                .setName(output)
                .addOutput(output)
                .addAllInput(List.of(inputs))
                .build();
    }

    private static TensorProto weights(String name, Random random, double scale, int... dims) {
        int count = 1;
        TensorProto.Builder tensor =
                TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (int dim : dims) {
            tensor.addDims(dim);
            count *= dim;
        }
        ByteBuffer raw = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            raw.putFloat((float) (random.nextGaussian() * scale));
        }
        return tensor.setRawData(ByteString.copyFrom(raw.array())).build();
    }

    private static Path write(Path file, GraphProto graph) throws IOException {
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(Version.IR_VERSION_2023_5_5_VALUE)
                .setProducerName("fogline-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
        return file;
    }
}
