package io.fogline.optimize.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rewrite of a model's main graph: nodes are visited in their (topological) order and each is kept or replaced by
 * new nodes at the same place, which keeps the order valid. Initializers that no node reads any more are dropped.
 */
public final class GraphEdit {

    /** From IR 4 on, an initializer that is also a graph input is a default that callers may override. */
    private static final long IR_VERSION_WITH_OVERRIDABLE_INITIALIZERS = 4;

    private final ModelProto model;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final Set<String> usedNames = new HashSet<>();
    private final List<NodeProto> nodes = new ArrayList<>();

    public GraphEdit(ModelProto model) {
        this.model = model;
        GraphProto graph = model.getGraph();
        for (TensorProto initializer : graph.getInitializerList()) {
            initializers.put(initializer.getName(), initializer);
            usedNames.add(initializer.getName());
        }
        for (ValueInfoProto input : graph.getInputList()) {
            graphInputs.add(input.getName());
            usedNames.add(input.getName());
        }
        collectNames(graph);
    }

    public List<NodeProto> originalNodes() {
        return model.getGraph().getNodeList();
    }

    /** The version of the default ONNX operator set the model imports, 0 if none. */
    public long defaultOpset() {
        return model.getOpsetImportList().stream()
                .filter(opset ->
                        opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion)
                .max()
                .orElse(0);
    }

    /** The initializer named {@code name} if it is a constant (not overridable as a graph input), else null. */
    public TensorProto constant(String name) {
        TensorProto initializer = initializers.get(name);
        if (initializer == null) {
            return null;
        }
        boolean overridable =
                model.getIrVersion() >= IR_VERSION_WITH_OVERRIDABLE_INITIALIZERS && graphInputs.contains(name);
        return overridable ? null : initializer;
    }

    /** A name based on {@code base} that no value, node or initializer has yet. */
    public String freshName(String base) {
        String name = base;
        for (int k = 1; !usedNames.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    public void addInitializer(TensorProto initializer) {
        usedNames.add(initializer.getName());
        initializers.put(initializer.getName(), initializer);
    }

    public void emit(NodeProto node) {
        nodes.add(node);
    }

    public NodeProto.Builder node(String opType, String baseName, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder()
                .setOpType(opType)
                .setName(freshName(baseName))
                .addAllInput(inputs)
                .addAllOutput(outputs);
    }

    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** The model with the emitted nodes in place of the original ones and unread initializers dropped. */
    public ModelProto build() {
        Set<String> read = new HashSet<>();
        for (NodeProto node : nodes) {
            collectReads(node, read);
        }
        model.getGraph().getOutputList().forEach(output -> read.add(output.getName()));
        GraphProto.Builder graph =
                model.getGraph().toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        for (TensorProto initializer : initializers.values()) {
            if (read.contains(initializer.getName())) {
                graph.addInitializer(initializer);
            }
        }
        List<ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(input -> !initializers.containsKey(input.getName()) || read.contains(input.getName()))
                .toList();
        graph.clearInput().addAllInput(inputs);
        return model.toBuilder().setGraph(graph).build();
    }

    private static void collectReads(NodeProto node, Set<String> read) {
        read.addAll(node.getInputList());
        for (AttributeProto attribute : node.getAttributeList()) {
            subgraphs(attribute).forEach(subgraph -> subgraph.getNodeList().forEach(n -> collectReads(n, read)));
        }
    }

    private void collectNames(GraphProto graph) {
        for (NodeProto node : graph.getNodeList()) {
            usedNames.add(node.getName());
            usedNames.addAll(node.getOutputList());
            for (AttributeProto attribute : node.getAttributeList()) {
                subgraphs(attribute).forEach(this::collectNames);
            }
        }
    }

    private static List<GraphProto> subgraphs(AttributeProto attribute) {
        List<GraphProto> graphs = new ArrayList<>(attribute.getGraphsList());
        if (attribute.hasG()) {
            graphs.add(attribute.getG());
        }
        return graphs;
    }
}
