package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Attribute and naming helpers for reading nodes. */
final class Nodes {

    private Nodes() {}

    static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getI();
            }
        }
        return fallback;
    }

    static float floatAttribute(NodeProto node, String name, float fallback) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getF();
            }
        }
        return fallback;
    }

    /** A name to report the node by: its own, or its first output's when it has none. */
    static String label(NodeProto node) {
        return !node.getName().isEmpty() ? node.getName() : node.getOutputCount() > 0 ? node.getOutput(0) : "?";
    }

    static String opType(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")
                ? node.getOpType()
                : node.getDomain() + ":" + node.getOpType();
    }

    static boolean isDefaultDomain(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    /** The {@code index}-th input, or "" when absent (ONNX marks skipped optional inputs with ""). */
    static String input(NodeProto node, int index) {
        return index < node.getInputCount() ? node.getInput(index) : "";
    }
}
