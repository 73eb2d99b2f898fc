package io.fogline.node.http;

import io.fogline.core.error.InferenceException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Triton's {@code --model-control-mode}: whether the repository API may load and unload models. {@code none} (the
 * default, as in Triton) serves what the repository held at start and what signed updates bring; {@code explicit}
 * lets clients of the {@code model-repository} API group load, reload with a config override, and unload.
 */
public enum ModelControlMode {
    NONE,
    EXPLICIT;

    /** Triton's refusal of a load or unload when the mode is not explicit, word for word. */
    public static final String REFUSAL = "explicit model load / unload is not allowed if polling is enabled";

    public static ModelControlMode parse(String value) {
        for (ModelControlMode mode : values()) {
            if (mode.flagName().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--model-control-mode must be none or explicit, got '" + value + "'");
    }

    /**
     * Refuses a load or unload unless the mode is explicit, and always for a model a control plane manages: its
     * models change through signed rollouts only, so a change made on the node would be one the fleet's view does not
     * show. One rule for every transport that reaches the repository.
     */
    public void checkChange(String model, Predicate<String> managedByControlPlane) {
        if (this != EXPLICIT) {
            throw InferenceException.invalid(REFUSAL);
        }
        if (managedByControlPlane.test(model)) {
            throw InferenceException.invalid("model '" + model
                    + "' is managed by the control plane: it changes through a rollout there, not on the node");
        }
    }

    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
