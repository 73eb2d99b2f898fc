package io.fogline.node.http;

import java.util.Locale;

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

    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
