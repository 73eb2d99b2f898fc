package io.fogline.optimize.quantize;

/**
 * What quantization did with one node of the original graph.
 *
 * @param node the node's name (or, for unnamed nodes, its first output)
 * @param opType the node's operator, prefixed by its domain when that is not the default one
 * @param quantized whether the node now runs in INT8
 * @param detail how it was quantized, or why it was left in FP32
 */
public record NodeOutcome(String node, String opType, boolean quantized, String detail) {

    @Override
    public String toString() {
        return opType + " '" + node + "': " + (quantized ? "" : "left FP32, ") + detail;
    }
}
