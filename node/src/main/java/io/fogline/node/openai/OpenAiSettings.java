package io.fogline.node.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.routing.cache.SemanticCache;
import io.fogline.routing.openai.ChatUpstream;
import io.fogline.routing.redact.Detector;
import io.fogline.routing.redact.NationalIds;
import io.fogline.routing.redact.Redactor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How the node serves the OpenAI-compatible endpoints, read from the JSON file of {@code --openai-config}; every field
 * is optional. The format is documented in README.md ("OpenAI-compatible endpoints").
 *
 * @param embeddingModel the repository model that serves {@code /v1/embeddings} and the semantic cache
 * @param redactor null when redaction is off
 * @param restore whether answers get the redacted values back
 * @param exactCacheBytes 0 for no exact cache
 * @param semanticCache null for no semantic cache
 */
public record OpenAiSettings(
        String embeddingModel,
        List<ChatUpstream> upstreams,
        int breakerFailures,
        Duration breakerOpen,
        Redactor redactor,
        boolean restore,
        long exactCacheBytes,
        Duration exactCacheTtl,
        SemanticCache.Settings semanticCache) {

    private static final Map<String, Detector> NATIONAL_IDS = Map.of(
            "US_SSN", NationalIds.usSsn(), "UK_NINO", NationalIds.ukNino(), "DE_TAX_ID", NationalIds.germanTaxId());

    /** Embeddings from {@code minilm}, no chat upstream, redaction with restoring, both caches. */
    public static OpenAiSettings defaults() {
        return parse(new ObjectMapper().createObjectNode(), System::getenv);
    }

    public static OpenAiSettings read(Path file) {
        try {
            return parse(new ObjectMapper().readTree(Files.readAllBytes(file)), System::getenv);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the OpenAI config " + file + ": " + e.getMessage(), e);
        }
    }

    /** @param environment resolves the {@code api_key_env} of upstreams */
    static OpenAiSettings parse(JsonNode root, UnaryOperator<String> environment) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("the OpenAI config must be a JSON object");
        }
        known(root, "", Set.of("embeddings", "chat"));
        JsonNode embeddings = root.path("embeddings");
        known(embeddings, "embeddings.", Set.of("model"));
        JsonNode chat = root.path("chat");
        known(chat, "chat.", Set.of("upstreams", "circuit_breaker", "redaction", "cache"));
        List<ChatUpstream> upstreams = new ArrayList<>();
        for (JsonNode upstream : chat.path("upstreams")) {
            upstreams.add(upstream(upstream, upstreams.size(), environment));
        }
        JsonNode breaker = chat.path("circuit_breaker");
        known(breaker, "chat.circuit_breaker.", Set.of("failure_threshold", "open_ms"));
        JsonNode redaction = chat.path("redaction");
        known(redaction, "chat.redaction.", Set.of("enabled", "restore", "national_ids"));
        List<Detector> nationalIds = new ArrayList<>();
        if (redaction.has("national_ids")) {
            for (JsonNode id : redaction.path("national_ids")) {
                Detector detector = NATIONAL_IDS.get(id.asText());
                if (detector == null) {
                    throw new IllegalArgumentException(
                            "chat.redaction.national_ids: unknown '" + id.asText() + "', known: "
                                    + NATIONAL_IDS.keySet().stream().sorted().toList());
                }
                nationalIds.add(detector);
            }
        } else {
            nationalIds.addAll(NationalIds.all());
        }
        JsonNode cache = chat.path("cache");
        known(cache, "chat.cache.", Set.of("exact_max_bytes", "semantic", "threshold", "max_entries", "ttl_seconds"));
        Duration ttl = Duration.ofSeconds(cache.path("ttl_seconds").asLong(3600));
        SemanticCache.Settings semantic = cache.path("semantic").asBoolean(true)
                ? new SemanticCache.Settings(
                        cache.path("threshold").asDouble(SemanticCache.DEFAULT_THRESHOLD),
                        cache.path("max_entries").asInt(10_000),
                        ttl,
                        true)
                : null;
        return new OpenAiSettings(
                embeddings.path("model").asText("minilm"),
                upstreams,
                breaker.path("failure_threshold").asInt(5),
                Duration.ofMillis(breaker.path("open_ms").asLong(30_000)),
                redaction.path("enabled").asBoolean(true) ? Redactor.withNationalIds(nationalIds) : null,
                redaction.path("restore").asBoolean(true),
                cache.path("exact_max_bytes").asLong(64L << 20),
                ttl,
                semantic);
    }

    private static ChatUpstream upstream(JsonNode node, int index, UnaryOperator<String> environment) {
        String where = "chat.upstreams[" + index + "].";
        known(node, where, Set.of("name", "url", "model", "api_key_env", "timeout_ms", "max_retries"));
        if (!node.path("url").isTextual()) {
            throw new IllegalArgumentException(where + "url is required");
        }
        String apiKey = null;
        if (node.has("api_key_env")) {
            apiKey = environment.apply(node.path("api_key_env").asText());
            if (apiKey == null) {
                throw new IllegalArgumentException(
                        where + "api_key_env names " + node.path("api_key_env").asText() + ", which is not set");
            }
        }
        return new ChatUpstream(
                node.path("name").asText("upstream-" + index),
                URI.create(node.path("url").asText()),
                node.path("model").isTextual() ? node.path("model").asText() : null,
                apiKey,
                Duration.ofMillis(node.path("timeout_ms").asLong(30_000)),
                node.path("max_retries").asInt(1));
    }

    /** Refuses unknown fields: a misspelt setting would otherwise be silently ignored. */
    private static void known(JsonNode node, String where, Set<String> fields) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new IllegalArgumentException("unknown setting " + where + name + "; known: "
                        + fields.stream().sorted().toList());
            }
        }
    }
}
