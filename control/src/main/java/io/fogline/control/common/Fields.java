package io.fogline.control.common;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.device.Names;
import java.util.Map;
import java.util.TreeMap;

/** Reads the fields of a request body, refusing each bad one with a message that names it. */
public final class Fields {

    private Fields() {}

    public static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ControlException.invalid("'" + field + "' is required");
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw ControlException.invalid("'" + field + "' must be a non-empty string");
        }
        return value.asText();
    }

    public static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ControlException.invalid("'" + field + "' must be a string");
        }
        return value.asText();
    }

    public static long requiredLong(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ControlException.invalid("'" + field + "' is required");
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw ControlException.invalid("'" + field + "' must be an integer");
        }
        return value.asLong();
    }

    public static Long optionalLong(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : requiredLong(body, field);
    }

    /** A name of a device, group, label or model: letters, digits, '.', '_', '-', at most 128 characters. */
    public static String name(String value, String field) {
        try {
            return Names.checkName(value, field);
        } catch (IllegalArgumentException e) {
            throw ControlException.invalid(e.getMessage());
        }
    }

    /** An object of string labels; absent is empty. */
    public static Map<String, String> labels(JsonNode body, String field) {
        JsonNode value = body.get(field);
        Map<String, String> labels = new TreeMap<>();
        if (value == null || value.isNull()) {
            return labels;
        }
        if (!value.isObject()) {
            throw ControlException.invalid("'" + field + "' must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> label : value.properties()) {
            if (!label.getValue().isTextual()) {
                throw ControlException.invalid("'" + field + "." + label.getKey() + "' must be a string");
            }
            labels.put(name(label.getKey(), field + " key"), label.getValue().asText());
        }
        return labels;
    }
}
