package io.fogline.control.federated;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A federated job as the operator reads it: its state and why, each round's participants, refusals and accuracy, and
 * the version it published.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        String id,
        String model,
        long version,
        String state,
        String reason,
        int round,
        int rounds,
        long resultVersion,
        String resultBundle,
        Long rolloutId,
        String aggregation,
        long createdAt,
        long updatedAt,
        List<RoundView> history) {

    /**
     * One round: devices chosen, updates accepted, those aggregated (accepted less norm outliers), refusals by
     * reason, the example-weighted local loss and accuracy, and the accuracy on the control plane's evaluation data.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoundView(
            int round,
            String state,
            long chosen,
            long accepted,
            Long aggregated,
            Map<String, Long> refusals,
            Double loss,
            Double accuracy,
            Double evalAccuracy,
            long openedAt,
            long deadlineAt,
            Long closedAt,
            String reason) {}
}
