package io.fogline.learn.train;

import io.fogline.learn.model.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with heavy-ball momentum and L2 weight decay, as PyTorch defines them:
 * {@code v = μv + g + λw; w -= η·v}.
 */
public final class Sgd implements Optimizer {

    private final float momentum;
    private final float weightDecay;
    private final Map<Parameter, float[]> velocities = new IdentityHashMap<>();

    public Sgd(double momentum, double weightDecay) {
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "momentum must be in [0, 1) and weight decay non-negative, not " + momentum + ", " + weightDecay);
        }
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public void step(List<Parameter> parameters, float learningRate) {
        for (Parameter parameter : parameters) {
            float[] w = parameter.values();
            float[] g = parameter.gradients();
            float[] v = velocities.computeIfAbsent(parameter, p -> new float[p.size()]);
            float decay = parameter.decays() ? weightDecay : 0f;
            for (int k = 0; k < w.length; k++) {
                v[k] = momentum * v[k] + g[k] + decay * w[k];
                w[k] -= learningRate * v[k];
            }
        }
    }
}
