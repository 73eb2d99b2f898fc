package io.fogline.core.protocol;

/**
 * An output a client asked for by name.
 *
 * @param binaryData whether it comes back in the binary section rather than as JSON; null leaves it to the request's
 *     {@code binary_data_output} parameter
 * @param classification top-k classification with labels instead of the raw tensor; 0 for the raw tensor
 */
public record RequestedOutput(String name, Boolean binaryData, int classification) {

    public static RequestedOutput named(String name) {
        return new RequestedOutput(name, null, 0);
    }
}
