package io.fogline.core.device;

import java.util.Map;
import java.util.TreeMap;

/**
 * A device's first request: an enrolment token for a credential. The device joins the token's group; its labels are
 * the token's, overridden by these.
 */
public record Enrolment(String token, String deviceId, Map<String, String> labels) {

    public Enrolment {
        if (Names.required(token, "token").isEmpty()) {
            throw new IllegalArgumentException("'token' must be a non-empty string");
        }
        Names.checkName(Names.required(deviceId, "device_id"), "device_id");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        for (Map.Entry<String, String> label : labels.entrySet()) {
            Names.checkName(label.getKey(), "labels key");
            Names.required(label.getValue(), "labels." + label.getKey());
        }
    }

    /** The labels in key order, as they are stored and shown. */
    public Map<String, String> sortedLabels() {
        return new TreeMap<>(labels);
    }

    /** The answer: the credential, shown this once. */
    public record Enrolled(String deviceId, String credential) {}
}
