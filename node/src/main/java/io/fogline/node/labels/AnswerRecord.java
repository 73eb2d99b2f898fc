package io.fogline.node.labels;

/**
 * What the node keeps of one row of an answer, so that a client's ground truth can be checked against it later.
 *
 * @param classes how many classes the answer's class scores had: the range a label must fall in
 * @param predicted the class answered (the arg-max of the row's scores)
 * @param tier {@code local} or the parent tier that answered
 * @param teacherConfidence the parent's confidence when a parent answered, else NaN
 * @param input the row's input as FP32 values, or null when the node does not keep it (several inputs, or too big)
 */
record AnswerRecord(
        String model,
        String version,
        String requestId,
        int row,
        long answeredMillis,
        int classes,
        int predicted,
        String tier,
        double teacherConfidence,
        float[] input,
        long[] shape) {

    boolean fromParent() {
        return !Double.isNaN(teacherConfidence);
    }
}
