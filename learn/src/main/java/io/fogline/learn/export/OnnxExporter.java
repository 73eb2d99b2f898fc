package io.fogline.learn.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl.Version;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.fogline.learn.model.Conv2d;
import io.fogline.learn.model.Dense;
import io.fogline.learn.model.Dropout;
import io.fogline.learn.model.Layer;
import io.fogline.learn.model.MaxPool2d;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import io.fogline.learn.model.Relu;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a trained {@link Network} as an ONNX model (IR 8, opset 13) that ONNX Runtime and other standard runtimes
 * load: a dynamic batch dimension, one input {@value #INPUT_NAME} of flat examples (reshaped inside the graph for
 * convolutions), one output {@value #OUTPUT_NAME} holding class probabilities, and the class names in the metadata.
 */
public final class OnnxExporter {

    public static final String INPUT_NAME = "input";
    public static final String OUTPUT_NAME = "probabilities";
    public static final String LABELS_METADATA_KEY = "labels";
    public static final String BATCH_DIMENSION = "batch";
    public static final int OPSET = 13;

    private OnnxExporter() {}

    public static void write(Network network, ExportInfo info, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            toModel(network, info).writeTo(out);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static ModelProto toModel(Network network, ExportInfo info) {
        if (info.labels().size() != network.classCount()) {
            throw new IllegalArgumentException(
                    info.labels().size() + " labels for a network of " + network.classCount() + " classes");
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName(info.modelName());
        graph.addInput(floatValue(INPUT_NAME, new int[] {network.inputSize()}));
        String current = INPUT_NAME;
        boolean flat = true;
        List<Layer> layers = network.layers();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            String output = "layer" + k;
            switch (layer) {
                case Conv2d convolution -> {
                    if (flat) {
                        current = reshape(graph, current, convolution.inputShape(), output + ".image");
                        flat = false;
                    }
                    graph.addInitializer(floatTensor(convolution.weight()));
                    graph.addInitializer(floatTensor(convolution.bias()));
                    graph.addNode(node(
                                    "Conv",
                                    List.of(
                                            current,
                                            convolution.weight().name(),
                                            convolution.bias().name()),
                                    output)
                            .addAttribute(intsAttribute("kernel_shape", 3, 3))
                            .addAttribute(intsAttribute("pads", 1, 1, 1, 1)));
                    current = output;
                }
                case MaxPool2d pool -> {
                    graph.addNode(node("MaxPool", List.of(current), output)
                            .addAttribute(intsAttribute("kernel_shape", 2, 2))
                            .addAttribute(intsAttribute("strides", 2, 2)));
                    current = output;
                }
                case Dense dense -> {
                    if (!flat) {
                        String flattened = output + ".flat";
                        graph.addNode(
                                node("Flatten", List.of(current), flattened).addAttribute(intAttribute("axis", 1)));
                        current = flattened;
                        flat = true;
                    }
                    graph.addInitializer(floatTensor(dense.weight()));
                    graph.addInitializer(floatTensor(dense.bias()));
                    graph.addNode(node(
                            "Gemm",
                            List.of(current, dense.weight().name(), dense.bias().name()),
                            output));
                    current = output;
                }
                case Relu relu -> {
                    graph.addNode(node("Relu", List.of(current), output));
                    current = output;
                }
                case Dropout dropout -> {
                    // Inverted dropout is the identity at inference: nothing to export.
                }
            }
        }
        graph.addNode(node("Softmax", List.of(current), OUTPUT_NAME).addAttribute(intAttribute("axis", 1)));
        graph.addOutput(floatValue(OUTPUT_NAME, new int[] {network.classCount()}));
        return ModelProto.newBuilder()
                .setIrVersion(Version.IR_VERSION_2021_7_30_VALUE)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("fogline")
                .setDocString(info.description())
                .addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey(LABELS_METADATA_KEY)
                        .setValue(jsonArray(info.labels())))
                .setGraph(graph)
                .build();
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output)
                .addAllInput(inputs)
                .addOutput(output);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** Reshapes the flat input into {@code [batch, ...exampleShape]} for layers that see images. */
    private static String reshape(GraphProto.Builder graph, String input, int[] exampleShape, String output) {
        ByteBuffer dims =
                ByteBuffer.allocate((exampleShape.length + 1) * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        dims.putLong(-1);
        for (int dimension : exampleShape) {
            dims.putLong(dimension);
        }
        String shape = output + ".shape";
        graph.addInitializer(TensorProto.newBuilder()
                .setName(shape)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(exampleShape.length + 1)
                .setRawData(ByteString.copyFrom(dims.array())));
        graph.addNode(node("Reshape", List.of(input, shape), output));
        return output;
    }

    private static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    private static TensorProto floatTensor(Parameter parameter) {
        ByteBuffer bytes = ByteBuffer.allocate(parameter.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(parameter.values());
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(parameter.name())
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes));
        for (int dimension : parameter.shape()) {
            tensor.addDims(dimension);
        }
        return tensor.build();
    }

    /** A float tensor value of {@code [batch, ...exampleShape]}. */
    private static ValueInfoProto floatValue(String name, int[] exampleShape) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIMENSION));
        for (int dimension : exampleShape) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dimension));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }

    private static String jsonArray(List<String> values) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
            json.writeStartArray();
            for (String value : values) {
                json.writeString(value);
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return text.toString();
    }
}
