package io.fogline.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.node.labels.FeedbackRefused;
import io.fogline.node.labels.GroundTruth;
import io.fogline.node.labels.LabelStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v2/models/{m}/feedback}: a client's ground truth for an earlier answer, by the request's id, and
 * {@code GET} of the same path: what the node holds and how often it was right (docs/protocol.md, "Ground truth").
 * The store is on disk, so both run on a worker thread.
 */
final class FeedbackEndpoint {

    private final Vertx vertx;
    private final GroundTruth groundTruth;

    FeedbackEndpoint(Vertx vertx, GroundTruth groundTruth) {
        this.vertx = vertx;
        this.groundTruth = groundTruth;
    }

    void take(HttpServerRequest request, String model, Buffer body) {
        answer(request, () -> {
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(body.getBytes());
            } catch (JsonProcessingException e) {
                throw FeedbackRefused.invalid("malformed JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (root == null || !root.isObject()) {
                throw FeedbackRefused.invalid("the body must be a JSON object {\"id\": ..., \"label\": ...}");
            }
            JsonNode id = root.path("id");
            if (!id.isTextual() || id.asText().isEmpty()) {
                throw FeedbackRefused.invalid("'id' must be the id of the inference request, a non-empty string");
            }
            LabelStore.Labelled labelled = groundTruth.label(model, id.asText(), labels(root));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("model", labelled.model());
            answer.put("version", labelled.version());
            answer.put("id", id.asText());
            answer.put("labels", labelled.labels());
            answer.put("predicted", labelled.predicted());
            answer.put("correct", labelled.correct());
            return answer;
        });
    }

    void counts(HttpServerRequest request, String model) {
        answer(request, () -> {
            List<Map<String, Object>> versions = groundTruth.store().counts(model).stream()
                    .map(FeedbackEndpoint::versionCounts)
                    .toList();
            LabelStore.Options options = groundTruth.store().options();
            return Map.of(
                    "model",
                    model,
                    "versions",
                    versions,
                    "max_examples",
                    options.maxExamples(),
                    "retention_seconds",
                    options.retention().toSeconds());
        });
    }

    private static Map<String, Object> versionCounts(LabelStore.VersionCounts counts) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("version", counts.version());
        figures.put("ground_truth", counts.groundTruth());
        figures.put("correct", counts.correct());
        figures.put("accuracy", counts.groundTruth() == 0 ? null : (double) counts.correct() / counts.groundTruth());
        figures.put("teacher_labelled", counts.teacher());
        figures.put("unlabelled", counts.unlabelled());
        return figures;
    }

    /** {@code "label": 3} for an answer of one row, {@code "labels": [3, 1]} for each row of a batch. */
    private static int[] labels(JsonNode root) {
        JsonNode one = root.get("label");
        JsonNode many = root.get("labels");
        if ((one == null) == (many == null)) {
            throw FeedbackRefused.invalid("give either 'label' (one row) or 'labels' (one per row of the request)");
        }
        if (one != null) {
            return new int[] {classIndex(one, "label")};
        }
        if (!many.isArray() || many.isEmpty()) {
            throw FeedbackRefused.invalid("'labels' must be a non-empty array of class indices");
        }
        int[] labels = new int[many.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = classIndex(many.get(i), "labels[" + i + "]");
        }
        return labels;
    }

    private static int classIndex(JsonNode value, String field) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw FeedbackRefused.invalid("'" + field + "' must be an integer class index, got " + value);
        }
        return value.intValue();
    }

    private interface Work {
        Object run();
    }

    private void answer(HttpServerRequest request, Work work) {
        vertx.executeBlocking(() -> Json.write(work.run()), false)
                .onSuccess(body -> request.response()
                        .putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(body)))
                .onFailure(failure -> {
                    int status =
                            switch (failure) {
                                case FeedbackRefused refused -> refused.status();
                                default -> 500;
                            };
                    request.response()
                            .setStatusCode(status)
                            .putHeader("Content-Type", "application/json")
                            .end(Buffer.buffer(InferenceCodec.encodeError(String.valueOf(failure.getMessage()))));
                });
    }
}
