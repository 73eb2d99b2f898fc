package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of a device's desired state: serve {@code bundle} as version {@code version} of {@code model}. Every
 * {@code actionId} is a new order, even back to a version the device ran before.
 */
public record DesiredModel(String model, long version, String bundle, long actionId) {

    public DesiredModel {
        Names.checkName(Names.required(model, "model"), "model");
        Names.atLeastOne(version, "version");
        Names.checkDigest(bundle, "bundle");
        Names.atLeastOne(actionId, "action_id");
    }

    @JsonCreator
    static DesiredModel read(
            @JsonProperty("model") String model,
            @JsonProperty("version") Long version,
            @JsonProperty("bundle") String bundle,
            @JsonProperty("action_id") Long actionId) {
        return new DesiredModel(
                model, Names.required(version, "version"), bundle, Names.required(actionId, "action_id"));
    }
}
