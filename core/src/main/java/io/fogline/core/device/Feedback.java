package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A device's report of one step of an update, or of a change of what it runs. {@code seq} grows by one per report of a
 * device and survives its restarts, so the control plane applies each report once and in order.
 *
 * @param actionId the order reported on; absent for a report of what runs only
 * @param reason required with {@code failed}: the refusal or failure code, a colon, and the detail
 * @param quality measured before switching; rollout gates read it from the {@code switched} report
 * @param running what the device serves now; absent when unchanged
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feedback(
        long seq,
        Long actionId,
        String model,
        Long version,
        UpdateStatus status,
        String reason,
        Quality quality,
        List<RunningModel> running) {

    public Feedback {
        Names.atLeastOne(seq, "seq");
        Names.required(status, "status");
        Names.checkName(model, "model");
        if (actionId != null) {
            Names.atLeastOne(actionId, "action_id");
        }
        if (version != null) {
            Names.atLeastOne(version, "version");
        }
        if (status == UpdateStatus.FAILED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("'reason' is required with status 'failed'");
        }
        running = running == null ? null : List.copyOf(running);
    }

    @JsonCreator
    static Feedback read(
            @JsonProperty("seq") Long seq,
            @JsonProperty("action_id") Long actionId,
            @JsonProperty("model") String model,
            @JsonProperty("version") Long version,
            @JsonProperty("status") UpdateStatus status,
            @JsonProperty("reason") String reason,
            @JsonProperty("quality") Quality quality,
            @JsonProperty("running") List<RunningModel> running) {
        return new Feedback(Names.required(seq, "seq"), actionId, model, version, status, reason, quality, running);
    }
}
