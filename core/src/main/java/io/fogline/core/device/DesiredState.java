package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The answer to a device's poll: what it should run, and how long to wait before asking again.
 *
 * @param models at most one entry per model; a model absent is left as it runs
 * @param federated the federated round the device is chosen for and has not yet answered; null for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DesiredState(long pollIntervalSeconds, List<DesiredModel> models, FederatedTask federated) {

    public DesiredState(long pollIntervalSeconds, List<DesiredModel> models) {
        this(pollIntervalSeconds, models, null);
    }

    public DesiredState {
        Names.atLeastOne(pollIntervalSeconds, "poll_interval_seconds");
        models = List.copyOf(Names.required(models, "models"));
        Set<String> seen = new HashSet<>();
        for (DesiredModel model : models) {
            if (!seen.add(model.model())) {
                throw new IllegalArgumentException("'models' lists model '" + model.model() + "' twice");
            }
        }
    }

    @JsonCreator
    static DesiredState read(
            @JsonProperty("poll_interval_seconds") Long pollIntervalSeconds,
            @JsonProperty("models") List<DesiredModel> models,
            @JsonProperty("federated") FederatedTask federated) {
        return new DesiredState(Names.required(pollIntervalSeconds, "poll_interval_seconds"), models, federated);
    }
}
