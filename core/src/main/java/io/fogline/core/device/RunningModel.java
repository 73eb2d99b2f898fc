package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A model version a device serves. */
public record RunningModel(String model, long version) {

    public RunningModel {
        Names.checkName(Names.required(model, "running.model"), "running.model");
        Names.atLeastOne(version, "running.version");
    }

    @JsonCreator
    static RunningModel read(@JsonProperty("model") String model, @JsonProperty("version") Long version) {
        return new RunningModel(model, Names.required(version, "running.version"));
    }
}
