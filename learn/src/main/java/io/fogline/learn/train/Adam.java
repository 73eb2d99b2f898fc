package io.fogline.learn.train;

import io.fogline.learn.model.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with decoupled weight decay (AdamW, Loshchilov and Hutter, 2019): decay shrinks weights
 * directly instead of passing through the adaptive scaling, where it would regularise large-gradient weights less.
 */
public final class Adam implements Optimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final float weightDecay;
    private final Map<Parameter, float[][]> moments = new IdentityHashMap<>();
    private int steps;

    public Adam(double weightDecay) {
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be non-negative, not " + weightDecay);
        }
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public void step(List<Parameter> parameters, float learningRate) {
        steps++;
        float firstCorrection = 1f / (1f - (float) Math.pow(BETA1, steps));
        float secondCorrection = 1f / (1f - (float) Math.pow(BETA2, steps));
        for (Parameter parameter : parameters) {
            float[] w = parameter.values();
            float[] g = parameter.gradients();
            float[][] state =
                    moments.computeIfAbsent(parameter, p -> new float[][] {new float[p.size()], new float[p.size()]});
            float[] m = state[0];
            float[] v = state[1];
            float decay = parameter.decays() ? learningRate * weightDecay : 0f;
            for (int k = 0; k < w.length; k++) {
                m[k] = BETA1 * m[k] + (1 - BETA1) * g[k];
                v[k] = BETA2 * v[k] + (1 - BETA2) * g[k] * g[k];
                float mHat = m[k] * firstCorrection;
                float vHat = v[k] * secondCorrection;
                w[k] -= learningRate * mHat / ((float) Math.sqrt(vHat) + EPSILON) + decay * w[k];
            }
        }
    }
}
