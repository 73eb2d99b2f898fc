package io.fogline.learn.train;

import io.fogline.learn.model.Parameter;
import java.util.List;

/**
 * A term of the training loss that depends on the parameters alone, such as FedProx's proximal term. The trainer adds
 * its gradient after each back-propagation, before the optimizer's step, so every optimizer sees it.
 */
@FunctionalInterface
public interface ParameterPenalty {

    ParameterPenalty NONE = parameters -> {};

    /** Adds the term's gradient to each parameter's gradient. */
    void addGradients(List<Parameter> parameters);
}
