package io.fogline.core.protocol;

import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An inference request of the Open Inference Protocol.
 *
 * @param id echoed in the response; null when the client sent none
 * @param outputs the outputs asked for; empty means all outputs of the model
 */
public record InferenceRequest(
        String id, Map<String, Object> parameters, List<Tensor> inputs, List<RequestedOutput> outputs) {

    public InferenceRequest {
        parameters = Map.copyOf(parameters);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Triton's request timeout parameter, in microseconds. */
    public static final String TIMEOUT_MICROS = "timeout";

    /** Fogline's request budget parameter, in milliseconds, which a node also tells the parent it escalates to. */
    public static final String TIMEOUT_MILLIS = "timeout_ms";

    public static InferenceRequest of(Tensor... inputs) {
        return new InferenceRequest(null, Map.of(), List.of(inputs), List.of());
    }

    /** Whether outputs that the request does not name one by one go back as binary data. */
    public boolean binaryOutputsByDefault() {
        return Boolean.TRUE.equals(parameters.get("binary_data_output"));
    }

    /**
     * How long the client gives the request: Triton's {@code timeout} (microseconds) or {@code timeout_ms}, the
     * shorter when it sends both; null when it sends neither.
     */
    public Duration timeout() {
        Duration micros = positive(TIMEOUT_MICROS, "microseconds");
        Duration millis = positive(TIMEOUT_MILLIS, "milliseconds");
        if (micros == null || millis == null) {
            return micros != null ? micros : millis;
        }
        return micros.compareTo(millis) <= 0 ? micros : millis;
    }

    private Duration positive(String parameter, String unit) {
        Object value = parameters.get(parameter);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Long amount) || amount <= 0) {
            throw InferenceException.invalid(
                    "parameters." + parameter + " must be a positive integer of " + unit + ", got " + value);
        }
        return unit.equals("microseconds")
                ? Duration.ofNanos(Math.multiplyExact(amount, 1000L))
                : Duration.ofMillis(amount);
    }

    public Tensor input(String name) {
        for (Tensor input : inputs) {
            if (input.name().equals(name)) {
                return input;
            }
        }
        return null;
    }
}
