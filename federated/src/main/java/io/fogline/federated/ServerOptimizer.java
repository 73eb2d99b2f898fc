package io.fogline.federated;

import java.util.Locale;

/**
 * How the aggregated delta moves the global model (Reddi et al., 2021): the delta is a pseudo-gradient, and the server
 * steps along it with its own optimizer. Plain FedAvg is {@code sgd:1:0}. The state (momentum, moments) is what a
 * control plane stores between rounds to resume after a restart. Written as text: {@code sgd[:RATE[:MOMENTUM]]},
 * {@code adam[:RATE]}.
 */
public sealed interface ServerOptimizer permits ServerOptimizer.Sgd, ServerOptimizer.Adam {

    /** Moves {@code global} in place by one server step along {@code delta}. */
    void step(float[] global, float[] delta);

    /** The vectors the optimizer carries between rounds; empty arrays before the first step. */
    float[][] state();

    /** Resumes from {@link #state()}. */
    void restore(float[][] state);

    static ServerOptimizer parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            if (parts[0].equals("sgd") && parts.length <= 3) {
                return new Sgd(
                        parts.length > 1 ? Double.parseDouble(parts[1]) : 1,
                        parts.length > 2 ? Double.parseDouble(parts[2]) : 0);
            }
            if (parts[0].equals("adam") && parts.length <= 2) {
                return new Adam(parts.length > 1 ? Double.parseDouble(parts[1]) : 0.01, 0.9, 0.99, 1e-3);
            }
        } catch (NumberFormatException e) {
            // Falls through to the message that shows the accepted forms.
        }
        throw new IllegalArgumentException("unknown server optimizer '" + text
                + "': expected sgd[:RATE[:MOMENTUM]] (sgd is FedAvg, sgd:1:0.9 FedAvgM) or adam[:RATE] (FedAdam)");
    }

    /** Server SGD with heavy-ball momentum (FedAvgM, Hsu et al., 2019): {@code v = βv + Δ; w += ηv}. */
    final class Sgd implements ServerOptimizer {

        private final float rate;
        private final float momentum;
        private float[] velocity = new float[0];

        public Sgd(double rate, double momentum) {
            if (!(rate > 0) || !(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException(
                        "server rate must be positive and momentum in [0, 1), not " + rate + ", " + momentum);
            }
            this.rate = (float) rate;
            this.momentum = (float) momentum;
        }

        @Override
        public void step(float[] global, float[] delta) {
            requireSameLength(global, delta);
            if (momentum == 0) {
                for (int k = 0; k < global.length; k++) {
                    global[k] += rate * delta[k];
                }
                return;
            }
            if (velocity.length != global.length) {
                velocity = new float[global.length];
            }
            for (int k = 0; k < global.length; k++) {
                velocity[k] = momentum * velocity[k] + delta[k];
                global[k] += rate * velocity[k];
            }
        }

        @Override
        public float[][] state() {
            return new float[][] {velocity.clone()};
        }

        @Override
        public void restore(float[][] state) {
            velocity = state[0].clone();
        }

        @Override
        public String toString() {
            return "sgd:" + rate + ":" + momentum;
        }
    }

    /**
     * FedAdam (Reddi et al., 2021): {@code m = β₁m + (1−β₁)Δ; v = β₂v + (1−β₂)Δ²; w += η·m / (√v + τ)}, without bias
     * correction, as the paper writes it; τ bounds the step where a coordinate has seen little change.
     */
    final class Adam implements ServerOptimizer {

        private final float rate;
        private final float beta1;
        private final float beta2;
        private final float tau;
        private float[] first = new float[0];
        private float[] second = new float[0];

        public Adam(double rate, double beta1, double beta2, double tau) {
            if (!(rate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(tau > 0)) {
                throw new IllegalArgumentException("FedAdam needs a positive rate and τ and betas in [0, 1), not "
                        + rate + ", " + beta1 + ", " + beta2 + ", " + tau);
            }
            this.rate = (float) rate;
            this.beta1 = (float) beta1;
            this.beta2 = (float) beta2;
            this.tau = (float) tau;
        }

        @Override
        public void step(float[] global, float[] delta) {
            requireSameLength(global, delta);
            if (first.length != global.length) {
                first = new float[global.length];
                second = new float[global.length];
            }
            for (int k = 0; k < global.length; k++) {
                first[k] = beta1 * first[k] + (1 - beta1) * delta[k];
                second[k] = beta2 * second[k] + (1 - beta2) * delta[k] * delta[k];
                global[k] += rate * first[k] / ((float) Math.sqrt(second[k]) + tau);
            }
        }

        @Override
        public float[][] state() {
            return new float[][] {first.clone(), second.clone()};
        }

        @Override
        public void restore(float[][] state) {
            first = state[0].clone();
            second = state[1].clone();
        }

        @Override
        public String toString() {
            return "adam:" + rate;
        }
    }

    private static void requireSameLength(float[] global, float[] delta) {
        if (global.length != delta.length) {
            throw new IllegalArgumentException(
                    "the global model has " + global.length + " parameters, the delta " + delta.length);
        }
    }
}
