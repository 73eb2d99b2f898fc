package io.fogline.optimize.samples;

import java.util.Map;

/** The named inputs of one model run. */
public record Sample(Map<String, InputTensor> inputs) {

    public Sample {
        inputs = Map.copyOf(inputs);
    }
}
