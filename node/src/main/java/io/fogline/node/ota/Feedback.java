package io.fogline.node.ota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.runtime.repository.RepositoryModel;
import java.util.List;

/** The body of a feedback report (docs/protocol.md). */
final class Feedback {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Feedback() {}

    static String body(
            long seq,
            UpdateStore.Action action,
            String status,
            String reason,
            String quality,
            List<RepositoryModel> index) {
        ObjectNode root = JSON.createObjectNode();
        root.put("seq", seq);
        root.put("action_id", action.actionId());
        root.put("model", action.model());
        root.put("version", action.version());
        root.put("status", status);
        if (reason != null) {
            root.put("reason", reason);
        }
        try {
            if (quality != null) {
                root.set("quality", JSON.readTree(quality));
            }
            ArrayNode running = root.putArray("running");
            for (RepositoryModel model : index) {
                if ("READY".equals(model.state())) {
                    running.addObject().put("model", model.name()).put("version", Long.parseLong(model.version()));
                }
            }
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("quality figures are not JSON: " + quality, e);
        }
    }

    static String quality(GoldenRunner.Outcome outcome) {
        return JSON.createObjectNode()
                .put("golden_passed", outcome.passed())
                .put("p95_ms", Math.round(outcome.p95Millis() * 1000) / 1000.0)
                .put("error_rate", outcome.errorRate())
                .toString();
    }
}
