package io.fogline.learn.train;

import io.fogline.learn.model.Parameter;
import java.util.List;

/** Moves parameters against their gradients. Implementations keep per-parameter state between steps. */
public sealed interface Optimizer permits Sgd, Adam {

    /** Applies one update with the given learning rate to every parameter from its current gradient. */
    void step(List<Parameter> parameters, float learningRate);
}
