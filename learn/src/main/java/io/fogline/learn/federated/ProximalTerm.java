package io.fogline.learn.federated;

import io.fogline.learn.model.Parameter;
import io.fogline.learn.train.ParameterPenalty;
import java.util.List;

/**
 * FedProx's proximal term (Li et al., 2020), {@code μ/2 · ‖w − w_global‖²}: it pulls a client's weights towards the
 * round's global model, so that clients whose data differ do not drift far apart in their local epochs.
 */
public final class ProximalTerm implements ParameterPenalty {

    private final float mu;
    private final float[] anchor;

    /**
     * @param anchor the global parameters in the network's parameter-vector layout; not copied, not changed
     */
    public ProximalTerm(double mu, float[] anchor) {
        if (!(mu >= 0)) {
            throw new IllegalArgumentException("the proximal μ must not be negative, not " + mu);
        }
        this.mu = (float) mu;
        this.anchor = anchor;
    }

    @Override
    public void addGradients(List<Parameter> parameters) {
        int offset = 0;
        for (Parameter parameter : parameters) {
            float[] w = parameter.values();
            float[] g = parameter.gradients();
            for (int k = 0; k < w.length; k++) {
                g[k] += mu * (w[k] - anchor[offset + k]);
            }
            offset += w.length;
        }
        if (offset != anchor.length) {
            throw new IllegalStateException("the anchor has " + anchor.length + " parameters, the network " + offset);
        }
    }
}
