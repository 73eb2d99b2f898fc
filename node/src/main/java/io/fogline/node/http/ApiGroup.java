package io.fogline.node.http;

import java.util.Locale;

/**
 * The API group of an endpoint, the unit an operator can restrict or turn off. The names are Triton's
 * ({@code --http-restricted-api=model-repository:...}), with Fogline's OpenAI-compatible endpoints and Prometheus
 * metrics as groups of their own.
 */
public enum ApiGroup {
    HEALTH,
    METADATA,
    INFERENCE,
    MODEL_CONFIG,
    MODEL_REPOSITORY,
    STATISTICS,
    OPENAI,
    METRICS,
    /** Ground truth for earlier answers ({@code /v2/models/{m}/feedback}), Fogline's extension. */
    FEEDBACK;

    /** The name on the command line, as Triton writes it: {@code model-repository}. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
