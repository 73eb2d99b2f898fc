package io.fogline.node.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.routing.cache.SemanticCache;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenAiSettingsTest {

    private static OpenAiSettings parse(String json) throws Exception {
        return OpenAiSettings.parse(new ObjectMapper().readTree(json), name -> name.equals("KEY") ? "k-123" : null);
    }

    @Test
    void readsEveryField() throws Exception {
        OpenAiSettings settings = parse("""
                {"embeddings": {"model": "minilm-int8"},
                 "chat": {
                   "upstreams": [{"name": "ollama", "url": "http://127.0.0.1:11434/v1", "model": "llama3.2:1b",
                                  "timeout_ms": 20000, "max_retries": 2},
                                 {"url": "https://llm.example.com/v1", "api_key_env": "KEY"}],
                   "circuit_breaker": {"failure_threshold": 3, "open_ms": 10000},
                   "redaction": {"enabled": true, "restore": false, "national_ids": ["UK_NINO"]},
                   "cache": {"exact_max_bytes": 1048576, "semantic": true, "threshold": 0.97, "max_entries": 50,
                             "ttl_seconds": 60}}}
                """);
        assertThat(settings.embeddingModel()).isEqualTo("minilm-int8");
        assertThat(settings.upstreams()).hasSize(2);
        assertThat(settings.upstreams().get(0).baseUri()).isEqualTo(URI.create("http://127.0.0.1:11434/v1"));
        assertThat(settings.upstreams().get(0).maxRetries()).isEqualTo(2);
        assertThat(settings.upstreams().get(1).name()).isEqualTo("upstream-1");
        assertThat(settings.upstreams().get(1).apiKey()).isEqualTo("k-123");
        assertThat(settings.upstreams().get(1).model()).isNull();
        assertThat(settings.breakerFailures()).isEqualTo(3);
        assertThat(settings.restore()).isFalse();
        assertThat(settings.redactor().detectors())
                .extracting(d -> d.kind())
                .contains("UK_NINO")
                .doesNotContain("US_SSN");
        assertThat(settings.semanticCache())
                .isEqualTo(new SemanticCache.Settings(0.97, 50, Duration.ofSeconds(60), true));
        assertThat(settings.exactCacheBytes()).isEqualTo(1 << 20);
    }

    @Test
    void defaultsToMiniLmRedactionAndBothCachesWithNoUpstream() {
        OpenAiSettings settings = OpenAiSettings.defaults();
        assertThat(settings.embeddingModel()).isEqualTo("minilm");
        assertThat(settings.upstreams()).isEmpty();
        assertThat(settings.redactor()).isNotNull();
        assertThat(settings.restore()).isTrue();
        assertThat(settings.semanticCache().threshold()).isEqualTo(SemanticCache.DEFAULT_THRESHOLD);
    }

    @Test
    void refusesMistakesWithMessagesThatNameThem() {
        assertThatThrownBy(() -> parse("{\"chat\": {\"upstream\": []}}"))
                .hasMessage("unknown setting chat.upstream; known: [cache, circuit_breaker, redaction, upstreams]");
        assertThatThrownBy(() -> parse("{\"chat\": {\"upstreams\": [{\"name\": \"a\"}]}}"))
                .hasMessage("chat.upstreams[0].url is required");
        assertThatThrownBy(() -> parse("{\"chat\": {\"upstreams\": [{\"url\": \"ftp://x\"}]}}"))
                .hasMessage("upstream 'upstream-0' needs an http(s) url, got ftp://x");
        assertThatThrownBy(() ->
                        parse("{\"chat\": {\"upstreams\": [{\"url\": \"http://x\", \"api_key_env\": \"NOPE\"}]}}"))
                .hasMessage("chat.upstreams[0].api_key_env names NOPE, which is not set");
        assertThatThrownBy(() -> parse("{\"chat\": {\"redaction\": {\"national_ids\": [\"FR_NIR\"]}}}"))
                .hasMessage("chat.redaction.national_ids: unknown 'FR_NIR', known: [DE_TAX_ID, UK_NINO, US_SSN]");
        assertThatThrownBy(() -> parse("{\"chat\": {\"cache\": {\"threshold\": 2}}}"))
                .hasMessage("threshold must be in (0, 1], got 2.0");
    }
}
