package io.fogline.node.ota;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What the control plane wants a device to run (docs/protocol.md), and how often to ask again. */
record DesiredState(int pollIntervalSeconds, List<DesiredModel> models) {

    /** The names a manifest allows, so a model name can never leave the repository directory. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    record DesiredModel(String model, long version, String bundle, long actionId) {}

    static DesiredState parse(JsonNode root) {
        if (!root.path("models").isArray()) {
            throw new IllegalArgumentException("desired state has no 'models' array");
        }
        List<DesiredModel> models = new ArrayList<>();
        for (JsonNode node : root.get("models")) {
            if (!node.path("model").isTextual()
                    || !node.path("bundle").isTextual()
                    || !node.path("version").canConvertToLong()
                    || !node.path("action_id").canConvertToLong()) {
                throw new IllegalArgumentException(
                        "desired model " + node + " lacks model, version, bundle or action_id");
            }
            String model = node.get("model").textValue();
            if (!MODEL_NAME.matcher(model).matches()
                    || !Sha256.isDigest(node.get("bundle").textValue())) {
                throw new IllegalArgumentException("desired model " + node + " has an unsafe name or a bad digest");
            }
            models.add(new DesiredModel(
                    model,
                    node.get("version").longValue(),
                    node.get("bundle").textValue(),
                    node.get("action_id").longValue()));
        }
        return new DesiredState(Math.max(1, root.path("poll_interval_seconds").asInt(30)), models);
    }
}
