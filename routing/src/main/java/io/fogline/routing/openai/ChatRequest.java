package io.fogline.routing.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fogline.core.error.InferenceException;
import io.fogline.routing.redact.RedactionSession;
import java.util.Set;

/**
 * A chat completion request as it will leave the node: validated, its message texts redacted, and the keys the caches
 * file it under.
 *
 * @param upstreamBody the request with redacted messages, to send as it is
 * @param scope what an answer depends on besides the conversation: the model and every sampling parameter
 * @param conversation the redacted messages in canonical JSON: the exact cache's key within the scope
 * @param question the one user message of a single-question exchange, redacted, for the semantic cache; null for a
 *     multi-turn conversation, where a close last question says little about the whole
 * @param cacheable whether an answer may be cached at all: one choice asked for, no tools
 */
record ChatRequest(
        ObjectNode upstreamBody,
        boolean stream,
        String model,
        String scope,
        String conversation,
        String question,
        boolean cacheable) {

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Fields that change neither the answer nor its cache entry. */
    private static final Set<String> NOT_IN_SCOPE = Set.of("messages", "stream", "stream_options", "user");

    static ChatRequest parse(JsonNode body, RedactionSession redaction) {
        if (!(body instanceof ObjectNode request)) {
            throw InferenceException.invalid("the request body must be a JSON object");
        }
        JsonNode messages = request.get("messages");
        if (!(messages instanceof ArrayNode list) || list.isEmpty()) {
            throw InferenceException.invalid("'messages' must be a non-empty array");
        }
        JsonNode model = request.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw InferenceException.invalid("'model' must be a non-empty string");
        }
        ObjectNode upstream = request.deepCopy();
        ArrayNode redacted = upstream.putArray("messages");
        int userMessages = 0;
        boolean onlySystemAndUser = true;
        String question = null;
        ArrayNode systemMessages = CANONICAL.createArrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode message = list.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw InferenceException.invalid("message " + i + " must be an object with a string 'role'");
            }
            ObjectNode copy = message.deepCopy();
            copy.set("content", redactContent(message.get("content"), i, redaction));
            redacted.add(copy);
            String role = message.path("role").asText();
            if (role.equals("user")) {
                userMessages++;
                question =
                        copy.path("content").isTextual() ? copy.path("content").asText() : null;
            } else if (role.equals("system") || role.equals("developer")) {
                systemMessages.add(copy);
            } else {
                onlySystemAndUser = false;
            }
        }
        ObjectNode scope = CANONICAL.createObjectNode();
        request.properties().forEach(field -> {
            if (!NOT_IN_SCOPE.contains(field.getKey())) {
                scope.set(field.getKey(), field.getValue());
            }
        });
        boolean singleQuestion = userMessages == 1 && onlySystemAndUser && question != null;
        if (singleQuestion) {
            scope.set("system", systemMessages);
        }
        boolean cacheable = request.path("n").asInt(1) == 1 && !request.has("tools") && !request.has("functions");
        return new ChatRequest(
                upstream,
                request.path("stream").asBoolean(false),
                model.asText(),
                canonical(scope),
                canonical(redacted),
                singleQuestion ? question : null,
                cacheable);
    }

    /** Text content as a string, or as an array of parts whose {@code text} parts are redacted. */
    private static JsonNode redactContent(JsonNode content, int index, RedactionSession redaction) {
        if (content == null || content.isNull()) {
            return content;
        }
        if (content.isTextual()) {
            return redaction == null ? content : TextNode.valueOf(redaction.redact(content.asText()));
        }
        if (content instanceof ArrayNode parts) {
            ArrayNode copy = parts.deepCopy();
            for (JsonNode part : copy) {
                if (part instanceof ObjectNode object && object.path("text").isTextual() && redaction != null) {
                    object.put("text", redaction.redact(object.path("text").asText()));
                }
            }
            return copy;
        }
        throw InferenceException.invalid("message " + index + " has a 'content' that is neither text nor parts");
    }

    private static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.convertValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
