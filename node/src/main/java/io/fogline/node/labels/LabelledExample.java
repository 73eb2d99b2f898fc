package io.fogline.node.labels;

import io.fogline.routing.RoutingParameters;

/**
 * One example a node may learn from: an input it answered and the class it should have answered. What a federated
 * round trains on (flow 5 of DESIGN.md); it never leaves the node.
 *
 * @param version the model version that answered the request
 * @param requestId the id of the inference request, and {@code row} the row of its batch
 * @param input the row's input as FP32 values, {@code shape} the row's shape (the batch dimension left out)
 * @param label the ground truth a client gave, else the parent tier's answer
 * @param source where {@code label} comes from
 * @param teacherConfidence the parent's confidence in its answer, for {@link Source#TEACHER}; NaN otherwise
 * @param predicted the class the node answered
 * @param tier {@code local} or the parent tier that answered
 */
public record LabelledExample(
        String model,
        String version,
        String requestId,
        int row,
        float[] input,
        long[] shape,
        int label,
        Source source,
        double teacherConfidence,
        int predicted,
        String tier) {

    /** Whether a parent tier gave the answer, so that {@code predicted} is the parent's. */
    public boolean answeredByParent() {
        return !tier.equals(RoutingParameters.LOCAL);
    }

    /** Where an example's label comes from. */
    public enum Source {
        /** A client said what the true answer was. */
        GROUND_TRUTH,
        /** The parent tier answered an escalated request; its answer is the label, a teacher's. */
        TEACHER;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
