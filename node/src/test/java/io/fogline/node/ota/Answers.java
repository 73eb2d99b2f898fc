package io.fogline.node.ota;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.labels.AnswerLog;
import io.fogline.routing.RoutingParameters;
import java.util.List;
import java.util.Map;

/** Answers as a node's router gives them, told to its answer log, for tests of what the label store then holds. */
final class Answers {

    private Answers() {}

    /** Version 1 of {@code model} answered {@code predicted} (of {@code classes}) to {@code input}, from {@code tier}. */
    static void answer(
            AnswerLog answers, String model, String id, float[] input, int classes, int predicted, String tier) {
        float[] scores = new float[classes];
        scores[predicted] = 1;
        answers.requestSucceeded(
                new InferenceRequest(
                        id,
                        Map.of(),
                        List.of(Tensor.ofFloats("input", new long[] {1, input.length}, input)),
                        List.of()),
                0,
                new InferenceResponse(
                        model,
                        "1",
                        id,
                        Map.of(RoutingParameters.TIER, tier, RoutingParameters.CONFIDENCE, 0.9),
                        List.of(Tensor.ofFloats("scores", new long[] {1, classes}, scores))),
                0);
        answers.flush();
    }
}
