package io.fogline.routing.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

final class JsonBytes {

    private JsonBytes() {}

    static byte[] of(JsonNode node) {
        try {
            return OpenAiClient.JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
