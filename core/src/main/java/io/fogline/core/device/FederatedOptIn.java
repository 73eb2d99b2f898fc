package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A device's word that it takes part in federated rounds, sent when its configuration gives it training data: the
 * number of labelled examples it holds (never the examples). Sent again when the number changes; 0 opts out.
 */
public record FederatedOptIn(long examples) {

    public FederatedOptIn {
        if (examples < 0) {
            throw new IllegalArgumentException("'examples' must not be negative, got " + examples);
        }
    }

    @JsonCreator
    static FederatedOptIn read(@JsonProperty("examples") Long examples) {
        return new FederatedOptIn(Names.required(examples, "examples"));
    }
}
