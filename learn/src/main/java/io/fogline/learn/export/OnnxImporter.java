package io.fogline.learn.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fogline.learn.model.Conv2d;
import io.fogline.learn.model.Dense;
import io.fogline.learn.model.Layer;
import io.fogline.learn.model.MaxPool2d;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import io.fogline.learn.model.Relu;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Reads back what {@link OnnxExporter} writes (a softmax, MLP or CNN graph) as a trainable {@link Network} with the
 * file's weights, so a published model can be trained further: fine-tuned, pruned, distilled into, or trained on a
 * node's own examples. Graphs of any other shape are refused with the node that does not fit named.
 */
public final class OnnxImporter {

    /** A network and what its file said about it. */
    public record Imported(Network network, ExportInfo info) {}

    private OnnxImporter() {}

    public static Imported read(Path file) throws IOException {
        ModelProto model = parse(file);
        try {
            return fromModel(model);
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException(file + ": " + e.getMessage());
        }
    }

    /**
     * What a model Fogline wrote says about itself, read without its graph: so also from a model that later steps
     * changed beyond what {@link #read} takes back (an INT8 one, say).
     */
    public static ExportInfo readInfo(Path file) throws IOException {
        ModelProto model = parse(file);
        return new ExportInfo(model.getGraph().getName(), labels(model, -1), model.getDocString());
    }

    private static ModelProto parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new UnsupportedModelException(file + " is not an ONNX model: " + e.getMessage());
        }
    }

    public static Imported fromModel(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(tensor -> initializers.put(tensor.getName(), tensor));
        List<ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(input -> !initializers.containsKey(input.getName()))
                .toList();
        if (inputs.size() != 1 || graph.getOutputCount() != 1) {
            throw new UnsupportedModelException("expected one input and one output, found " + inputs.size() + " and "
                    + graph.getOutputCount() + "; " + WHAT_FITS);
        }
        ValueInfoProto input = inputs.getFirst();
        int[] shape = {flatWidth(input)};
        String current = input.getName();
        List<Layer> layers = new ArrayList<>();
        SplittableRandom unused = new SplittableRandom(0);
        boolean softmax = false;
        for (NodeProto node : graph.getNodeList()) {
            if (softmax) {
                throw unsupported(node, "follows the final Softmax");
            }
            if (node.getInputCount() == 0 || !node.getInput(0).equals(current) || node.getOutputCount() != 1) {
                throw unsupported(node, "does not continue the chain from '" + current + "'");
            }
            switch (node.getOpType()) {
                case "Reshape" -> shape = imageShape(node, initializers, shape);
                case "Flatten" -> {
                    requireInt(node, "axis", 1);
                    shape = new int[] {size(shape)};
                }
                case "Conv" -> {
                    requireInts(node, "kernel_shape", 3, 3);
                    requireInts(node, "pads", 1, 1, 1, 1);
                    requireInts(node, "strides", 1, 1);
                    requireInts(node, "dilations", 1, 1);
                    requireInt(node, "group", 1);
                    if (shape.length != 3) {
                        throw unsupported(node, "needs an image input, but its input is flat");
                    }
                    TensorProto weight = constant(node, 1, initializers);
                    int filters = weight.getDimsCount() > 0 ? (int) weight.getDims(0) : 0;
                    Conv2d convolution = new Conv2d(name(node, 1), shape, filters, unused);
                    fill(convolution.weight(), weight, node);
                    fill(convolution.bias(), constant(node, 2, initializers), node);
                    layers.add(convolution);
                    shape = convolution.outputShape();
                }
                case "Relu" -> layers.add(new Relu(shape));
                case "MaxPool" -> {
                    requireInts(node, "kernel_shape", 2, 2);
                    requireInts(node, "strides", 2, 2);
                    requireAbsent(node, "pads", "dilations", "ceil_mode", "storage_order", "auto_pad");
                    if (shape.length != 3 || shape[1] % 2 != 0 || shape[2] % 2 != 0) {
                        throw unsupported(
                                node, "needs an image of even height and width, not " + Arrays.toString(shape));
                    }
                    MaxPool2d pool = new MaxPool2d(shape);
                    layers.add(pool);
                    shape = pool.outputShape();
                }
                case "Gemm" -> {
                    requireInt(node, "transA", 0);
                    requireInt(node, "transB", 0);
                    requireFloat(node, "alpha", 1);
                    requireFloat(node, "beta", 1);
                    if (shape.length != 1) {
                        throw unsupported(node, "needs a flat input, but its input is " + Arrays.toString(shape));
                    }
                    TensorProto weight = constant(node, 1, initializers);
                    int outputs = weight.getDimsCount() == 2 ? (int) weight.getDims(1) : 0;
                    Dense dense = new Dense(name(node, 1), shape, outputs, 1, unused);
                    fill(dense.weight(), weight, node);
                    fill(dense.bias(), constant(node, 2, initializers), node);
                    layers.add(dense);
                    shape = dense.outputShape();
                }
                case "Softmax" -> {
                    requireInt(node, "axis", 1);
                    if (!node.getOutput(0).equals(graph.getOutput(0).getName())) {
                        throw unsupported(node, "is not the graph's output");
                    }
                    softmax = true;
                }
                default -> throw unsupported(node, "is not a layer Fogline's trainer has");
            }
            current = node.getOutput(0);
        }
        if (!softmax || layers.isEmpty() || !(layers.getLast() instanceof Dense)) {
            throw new UnsupportedModelException("the graph does not end in a Gemm followed by Softmax; " + WHAT_FITS);
        }
        int[] inputShape =
                layers.getFirst() instanceof Conv2d first ? first.inputShape() : new int[] {flatWidth(input)};
        Network network = new Network(inputShape, layers);
        return new Imported(
                network, new ExportInfo(graph.getName(), labels(model, network.classCount()), model.getDocString()));
    }

    private static final String WHAT_FITS =
            "Fogline trains further only the softmax, MLP and CNN graphs that `fogline train` writes";

    private static int flatWidth(ValueInfoProto input) {
        TensorShapeProto shape = input.getType().getTensorType().getShape();
        if (shape.getDimCount() != 2 || !shape.getDim(1).hasDimValue()) {
            throw new UnsupportedModelException(
                    "the input '" + input.getName() + "' is not [batch, features]; " + WHAT_FITS);
        }
        return Math.toIntExact(shape.getDim(1).getDimValue());
    }

    private static int[] imageShape(NodeProto node, Map<String, TensorProto> initializers, int[] shape) {
        TensorProto target = constant(node, 1, initializers);
        if (target.getDataType() != TensorProto.DataType.INT64_VALUE || target.getDimsCount() != 1) {
            throw unsupported(node, "reshapes to a shape that is not a constant INT64 vector");
        }
        ByteBuffer bytes = target.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] dims = target.getRawData().isEmpty()
                ? target.getInt64DataList().stream().mapToLong(Long::longValue).toArray()
                : IntStream.range(0, bytes.remaining() / Long.BYTES)
                        .mapToLong(k -> bytes.getLong())
                        .toArray();
        if (dims.length != 4 || dims[0] != -1 || Arrays.stream(dims, 1, 4).anyMatch(d -> d <= 0)) {
            throw unsupported(node, "reshapes to " + Arrays.toString(dims) + ", not [-1, channels, height, width]");
        }
        int[] image = {(int) dims[1], (int) dims[2], (int) dims[3]};
        if (size(image) != size(shape)) {
            throw unsupported(node, "reshapes " + size(shape) + " features to " + Arrays.toString(image));
        }
        return image;
    }

    private static TensorProto constant(NodeProto node, int index, Map<String, TensorProto> initializers) {
        TensorProto tensor = index < node.getInputCount() ? initializers.get(node.getInput(index)) : null;
        if (tensor == null) {
            throw unsupported(node, "has no constant input " + index);
        }
        return tensor;
    }

    private static String name(NodeProto node, int index) {
        String name = node.getInput(index);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Copies a FLOAT tensor into a parameter of the same shape. */
    private static void fill(Parameter parameter, TensorProto tensor, NodeProto node) {
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long[] expected = Arrays.stream(parameter.shape()).asLongStream().toArray();
        if (tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE || !Arrays.equals(dims, expected)) {
            throw unsupported(
                    node,
                    "has '" + tensor.getName() + "' of " + Arrays.toString(dims) + " type " + tensor.getDataType()
                            + ", expected FLOAT " + Arrays.toString(expected));
        }
        float[] values = parameter.values();
        if (!tensor.getRawData().isEmpty()) {
            if (tensor.getRawData().size() != values.length * Float.BYTES) {
                throw unsupported(
                        node,
                        "has '" + tensor.getName() + "' with "
                                + tensor.getRawData().size() + " bytes for " + values.length + " floats");
            }
            tensor.getRawData()
                    .asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(values);
        } else {
            if (tensor.getFloatDataCount() != values.length) {
                throw unsupported(
                        node,
                        "has '" + tensor.getName() + "' with " + tensor.getFloatDataCount() + " values for "
                                + values.length);
            }
            for (int k = 0; k < values.length; k++) {
                values[k] = tensor.getFloatData(k);
            }
        }
    }

    /** The labels in the metadata, when there are {@code classes} of them (any number for -1), else the indexes. */
    private static List<String> labels(ModelProto model, int classes) {
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            if (entry.getKey().equals(OnnxExporter.LABELS_METADATA_KEY)) {
                List<String> labels = parseStrings(entry.getValue());
                if (classes < 0 || labels.size() == classes) {
                    return labels;
                }
            }
        }
        return IntStream.range(0, Math.max(classes, 0))
                .mapToObj(Integer::toString)
                .toList();
    }

    private static List<String> parseStrings(String json) {
        List<String> values = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return List.of();
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.VALUE_STRING; token = parser.nextToken()) {
                values.add(parser.getText());
            }
        } catch (IOException e) {
            return List.of();
        }
        return values;
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        return node.getAttributeList().stream()
                .filter(attribute -> attribute.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static void requireInts(NodeProto node, String name, long... expected) {
        AttributeProto attribute = attribute(node, name);
        if (attribute == null) {
            // The ONNX defaults of the attributes checked here are the values Fogline writes, except kernel_shape,
            // which the weights imply.
            return;
        }
        long[] actual =
                attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(actual, expected)) {
            throw unsupported(
                    node, "has " + name + " " + Arrays.toString(actual) + ", expected " + Arrays.toString(expected));
        }
    }

    private static void requireInt(NodeProto node, String name, long expected) {
        AttributeProto attribute = attribute(node, name);
        if (attribute != null && attribute.getI() != expected) {
            throw unsupported(node, "has " + name + " " + attribute.getI() + ", expected " + expected);
        }
    }

    private static void requireFloat(NodeProto node, String name, float expected) {
        AttributeProto attribute = attribute(node, name);
        if (attribute != null && attribute.getF() != expected) {
            throw unsupported(node, "has " + name + " " + attribute.getF() + ", expected " + expected);
        }
    }

    private static void requireAbsent(NodeProto node, String... names) {
        for (String name : names) {
            if (attribute(node, name) != null) {
                throw unsupported(node, "sets " + name + ", which Fogline's pooling does not have");
            }
        }
    }

    private static UnsupportedModelException unsupported(NodeProto node, String why) {
        return new UnsupportedModelException(
                "node '" + node.getName() + "' (" + node.getOpType() + ") " + why + "; " + WHAT_FITS);
    }

    private static int size(int[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }
}
