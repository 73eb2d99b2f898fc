package io.fogline.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one byte form of a JSON value that signatures cover: UTF-8, object keys sorted by their UTF-16 code units, no
 * whitespace, integers only (a fraction has more than one spelling, so none is allowed).
 */
public final class CanonicalJson {

    private static final JsonFactory JSON = new JsonFactory();

    private CanonicalJson() {}

    public static byte[] write(JsonNode value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            write(value, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonNode value, JsonGenerator out) throws IOException {
        switch (value.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(value.properties());
                fields.sort(Map.Entry.comparingByKey());
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : fields) {
                    out.writeFieldName(field.getKey());
                    write(field.getValue(), out);
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : value) {
                    write(element, out);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(value.textValue());
            case NUMBER -> {
                if (!value.isIntegralNumber()) {
                    throw new IllegalArgumentException("canonical JSON holds integers only, not " + value);
                }
                out.writeNumber(value.bigIntegerValue());
            }
            case BOOLEAN -> out.writeBoolean(value.booleanValue());
            case NULL -> out.writeNull();
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getNodeType());
        }
    }
}
