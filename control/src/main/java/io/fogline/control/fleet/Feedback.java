package io.fogline.control.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.ApiException;
import io.fogline.control.Fields;
import io.fogline.control.Json;
import java.util.List;
import java.util.Set;

/** A device's report of one step of an update or of a change of what it runs, as docs/protocol.md defines it. */
public record Feedback(
        long seq,
        Long actionId,
        String model,
        Long version,
        ActionStatus status,
        String reason,
        Quality quality,
        List<DeviceView.RunningModel> running) {

    private static final Set<String> REPORTED =
            Set.of("downloading", "verifying", "unpacking", "loading", "testing", "switched", "failed");

    public static Feedback parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.badRequest("feedback must be a JSON object");
        }
        long seq = Fields.requiredLong(body, "seq");
        if (seq < 1) {
            throw ApiException.badRequest("'seq' must be at least 1, got " + seq);
        }
        String status = Fields.requiredText(body, "status");
        if (!REPORTED.contains(status)) {
            throw ApiException.badRequest("'status' must be one of downloading, verifying, unpacking, loading,"
                    + " testing, switched, failed; got '" + status + "'");
        }
        String reason = Fields.optionalText(body, "reason");
        if (status.equals("failed") && (reason == null || reason.isBlank())) {
            throw ApiException.badRequest("'reason' is required with status 'failed'");
        }
        JsonNode quality = body.get("quality");
        JsonNode running = body.get("running");
        if (running != null && !running.isNull() && !running.isArray()) {
            throw ApiException.badRequest("'running' must be a list of {\"model\", \"version\"}");
        }
        return new Feedback(
                seq,
                Fields.optionalLong(body, "action_id"),
                Fields.optionalText(body, "model"),
                Fields.optionalLong(body, "version"),
                ActionStatus.ofWire(status),
                reason,
                quality == null || quality.isNull() ? null : Json.convert(quality, Quality.class, "'quality'"),
                running == null || running.isNull()
                        ? null
                        : List.of(Json.convert(running, DeviceView.RunningModel[].class, "'running'")));
    }
}
