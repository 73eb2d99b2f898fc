package io.fogline.optimize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.fogline.optimize.onnx.GraphEdit;
import io.fogline.optimize.onnx.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small hand-built ONNX models, and a way to run them, for testing graph rewrites. */
public final class TestModels {

    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    private TestModels() {}

    /** {@code y = x · W} with x {@code [batch, in]}. */
    public static ModelProto matMul(int in, int out, long opset, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        GraphProto graph = GraphProto.newBuilder()
                .setName("matmul")
                .addInput(value("x", TensorProto.DataType.FLOAT, -1, in))
                .addOutput(value("y", TensorProto.DataType.FLOAT, -1, out))
                .addInitializer(Tensors.floats("W", new long[] {in, out}, gaussians(in * out, random)))
                .addNode(node("MatMul", List.of("x", "W"), "y"))
                .build();
        return model(graph, opset);
    }

    /** {@code y = α · x · op(W) + β · b}, with W stored transposed when {@code transB}. */
    public static ModelProto gemm(int in, int out, boolean transB, float alpha, float beta, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] weightDims = transB ? new long[] {out, in} : new long[] {in, out};
        GraphProto graph = GraphProto.newBuilder()
                .setName("gemm")
                .addInput(value("x", TensorProto.DataType.FLOAT, -1, in))
                .addOutput(value("y", TensorProto.DataType.FLOAT, -1, out))
                .addInitializer(Tensors.floats("W", weightDims, gaussians(in * out, random)))
                .addInitializer(Tensors.floats("b", new long[] {out}, gaussians(out, random)))
                .addNode(node("Gemm", List.of("x", "W", "b"), "y")
                        .addAttribute(GraphEdit.intAttribute("transB", transB ? 1 : 0))
                        .addAttribute(floatAttribute("alpha", alpha))
                        .addAttribute(floatAttribute("beta", beta)))
                .build();
        return model(graph, 13);
    }

    /** An embedding lookup: ids {@code [batch, tokens]} → rows of a {@code vocabulary × width} table. */
    public static ModelProto gather(int vocabulary, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        GraphProto graph = GraphProto.newBuilder()
                .setName("gather")
                .addInput(value("ids", TensorProto.DataType.INT64, -1, -1))
                .addOutput(value("y", TensorProto.DataType.FLOAT, -1, -1, width))
                .addInitializer(
                        Tensors.floats("table", new long[] {vocabulary, width}, gaussians(vocabulary * width, random)))
                .addNode(node("Gather", List.of("table", "ids"), "y"))
                .build();
        return model(graph, 11);
    }

    /** A 3×3 convolution with padding: x {@code [batch, channels, 6, 6]} → y {@code [batch, filters, 6, 6]}. */
    public static ModelProto conv(int channels, int filters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        GraphProto graph = GraphProto.newBuilder()
                .setName("conv")
                .addInput(value("x", TensorProto.DataType.FLOAT, -1, channels, 6, 6))
                .addOutput(value("y", TensorProto.DataType.FLOAT, -1, filters, 6, 6))
                .addInitializer(Tensors.floats(
                        "W", new long[] {filters, channels, 3, 3}, gaussians(filters * channels * 9, random)))
                .addInitializer(Tensors.floats("B", new long[] {filters}, gaussians(filters, random)))
                .addNode(node("Conv", List.of("x", "W", "B"), "y")
                        .addAttribute(intsAttribute("kernel_shape", 3, 3))
                        .addAttribute(intsAttribute("pads", 1, 1, 1, 1)))
                .build();
        return model(graph, 13);
    }

    /**
     * A MatMul feeding a ConvTranspose, whose weights Fogline does not quantize: x {@code [1, 4]} → MatMul → Reshape
     * {@code [1, 1, 3, 3]} → ConvTranspose (2×2 kernel, 2 channels) → y {@code [1, 2, 4, 4]}.
     */
    public static ModelProto withConvTranspose(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer shape = ByteBuffer.allocate(4 * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        shape.putLong(1).putLong(1).putLong(3).putLong(3);
        GraphProto graph = GraphProto.newBuilder()
                .setName("convtranspose")
                .addInput(value("x", TensorProto.DataType.FLOAT, 1, 4))
                .addOutput(value("y", TensorProto.DataType.FLOAT, 1, 2, 4, 4))
                .addInitializer(Tensors.floats("W", new long[] {4, 9}, gaussians(36, random)))
                .addInitializer(TensorProto.newBuilder()
                        .setName("shape")
                        .setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(4)
                        .setRawData(ByteString.copyFrom(shape.array())))
                .addInitializer(Tensors.floats("K", new long[] {1, 2, 2, 2}, gaussians(8, random)))
                .addNode(node("MatMul", List.of("x", "W"), "h").setName("project"))
                .addNode(node("Reshape", List.of("h", "shape"), "image").setName("to_image"))
                .addNode(node("ConvTranspose", List.of("image", "K"), "y").setName("upsample"))
                .build();
        return model(graph, 13);
    }

    /** A MatMul followed by an operator of a domain no runtime knows. */
    public static ModelProto withCustomOp() {
        SplittableRandom random = new SplittableRandom(1);
        GraphProto graph = GraphProto.newBuilder()
                .setName("custom")
                .addInput(value("x", TensorProto.DataType.FLOAT, -1, 8))
                .addOutput(value("y", TensorProto.DataType.FLOAT, -1, 8))
                .addInitializer(Tensors.floats("W", new long[] {8, 8}, gaussians(64, random)))
                .addInitializer(Tensors.floats("M", new long[] {8, 8}, gaussians(64, random)))
                .addNode(node("MatMul", List.of("x", "W"), "h").setName("dense"))
                .addNode(node("Mystery", List.of("h", "M"), "y")
                        .setName("mystery")
                        .setDomain("com.example"))
                .build();
        return model(graph, 13).toBuilder()
                .addOpsetImport(
                        OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1))
                .build();
    }

    public static ModelProto model(GraphProto graph, long opset) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("fogline-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    /** Runs a model on one FLOAT input and returns its first output. */
    public static float[] run(ModelProto model, String input, float[] values, long... shape) throws OrtException {
        try (OrtSession session = ORT.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor tensor = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(values), shape);
                OrtSession.Result result = session.run(Map.of(input, tensor))) {
            return floats(result);
        }
    }

    /** Runs a model on one INT64 input and returns its first output. */
    public static float[] runIds(ModelProto model, String input, long[] ids, long... shape) throws OrtException {
        try (OrtSession session = ORT.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor tensor = OnnxTensor.createTensor(ORT, LongBuffer.wrap(ids), shape);
                OrtSession.Result result = session.run(Map.of(input, tensor))) {
            return floats(result);
        }
    }

    public static float[] gaussians(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            values[k] = (float) random.nextGaussian();
        }
        return values;
    }

    public static List<String> opTypes(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static float[] floats(OrtSession.Result result) {
        FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output)
                .addAllInput(inputs)
                .addOutput(output);
    }

    private static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    private static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(value)
                .build();
    }

    /** A tensor value; -1 marks a dynamic dimension. */
    private static ValueInfoProto value(String name, TensorProto.DataType type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d = 0; d < dims.length; d++) {
            shape.addDim(
                    dims[d] < 0
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + d)
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(dims[d]));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(shape)))
                .build();
    }
}
