package io.fogline.routing.redact;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The redaction of one exchange: each distinct entity gets one placeholder ({@code <EMAIL_1>}, numbered per kind) for
 * every text of the session, and {@link #restore} puts the originals back into an answer. Not thread-safe: one per
 * request.
 */
public final class RedactionSession {

    static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z][A-Z0-9_]*)_(\\d+)>");

    private final Redactor redactor;
    private final Map<String, String> originalByPlaceholder = new LinkedHashMap<>();
    private final Map<String, String> placeholderByOriginal = new HashMap<>();
    private final Map<String, Integer> issuedPerKind = new HashMap<>();

    RedactionSession(Redactor redactor) {
        this.redactor = redactor;
    }

    /** {@code text} with every entity found replaced by its placeholder. */
    public String redact(String text) {
        List<Entity> entities = redactor.find(text);
        if (entities.isEmpty()) {
            return text;
        }
        StringBuilder redacted = new StringBuilder(text.length());
        int copied = 0;
        for (Entity entity : entities) {
            redacted.append(text, copied, entity.start()).append(placeholderFor(entity, text));
            copied = entity.end();
        }
        return redacted.append(text, copied, text.length()).toString();
    }

    /** {@code answer} with each placeholder this session issued replaced by its original; anything else kept. */
    public String restore(String answer) {
        if (originalByPlaceholder.isEmpty()) {
            return answer;
        }
        Matcher matcher = PLACEHOLDER.matcher(answer);
        StringBuilder restored = new StringBuilder(answer.length());
        while (matcher.find()) {
            String original = originalByPlaceholder.get(matcher.group());
            matcher.appendReplacement(
                    restored, Matcher.quoteReplacement(original == null ? matcher.group() : original));
        }
        return matcher.appendTail(restored).toString();
    }

    /** A restorer for an answer that arrives in pieces, where a placeholder may be split between two of them. */
    public StreamRestorer streamRestorer() {
        return new StreamRestorer(this);
    }

    /** Placeholder to original value, in the order issued. */
    public Map<String, String> placeholders() {
        return Map.copyOf(originalByPlaceholder);
    }

    private String placeholderFor(Entity entity, String text) {
        String existing = placeholderByOriginal.get(entity.value());
        if (existing != null) {
            return existing;
        }
        String placeholder;
        do {
            int number = issuedPerKind.merge(entity.kind(), 1, Integer::sum);
            placeholder = "<" + entity.kind() + "_" + number + ">";
            // A placeholder the text already holds literally would be restored into it: skip that number.
        } while (text.contains(placeholder));
        placeholderByOriginal.put(entity.value(), placeholder);
        originalByPlaceholder.put(placeholder, entity.value());
        return placeholder;
    }
}
