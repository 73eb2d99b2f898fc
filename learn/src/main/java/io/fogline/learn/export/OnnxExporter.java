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
import io.fogline.learn.model.Dense;
import io.fogline.learn.model.Dropout;
import io.fogline.learn.model.Layer;
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
 * load: a dynamic batch dimension, one input {@value #INPUT_NAME}, one output {@value #OUTPUT_NAME} holding class
 * probabilities, and the class names in the metadata.
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
        graph.addInput(floatValue(INPUT_NAME, network.inputShape()));
        String current = INPUT_NAME;
        int flatRank = 1;
        List<Layer> layers = network.layers();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            String output = "layer" + k;
            switch (layer) {
                case Dense dense -> {
                    if (dense.inputShape().length != flatRank) {
                        String flat = output + ".flat";
                        graph.addNode(node("Flatten", List.of(current), flat).addAttribute(intAttribute("axis", 1)));
                        current = flat;
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
