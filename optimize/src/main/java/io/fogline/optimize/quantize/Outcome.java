package io.fogline.optimize.quantize;

/** A rewriter's answer for one node: replaced (the rewriter emitted the new nodes) or kept as it was. */
sealed interface Outcome {

    record Quantized(String how) implements Outcome {}

    record Kept(String reason) implements Outcome {}

    static Outcome quantized(String how) {
        return new Quantized(how);
    }

    static Outcome kept(String reason) {
        return new Kept(reason);
    }
}
