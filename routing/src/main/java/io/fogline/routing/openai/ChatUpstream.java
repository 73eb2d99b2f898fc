package io.fogline.routing.openai;

import java.net.URI;
import java.time.Duration;

/**
 * One OpenAI-compatible server that chat requests may go to (llama.cpp's server, Ollama, vLLM, a cloud API).
 *
 * @param name what responses, logs and metrics call it
 * @param baseUri the API root, ending in {@code /v1} for most servers; {@code chat/completions} is resolved against it
 * @param model the model to ask it for, or null to pass on the client's
 * @param apiKey sent as a bearer token, or null
 * @param timeout the most time to wait for an answer, or for the first event of a stream
 * @param maxRetries further tries after a retryable failure, before the next upstream is tried
 */
public record ChatUpstream(String name, URI baseUri, String model, String apiKey, Duration timeout, int maxRetries) {

    public ChatUpstream {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an upstream needs a name");
        }
        if (baseUri == null
                || baseUri.getScheme() == null
                || !baseUri.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("upstream '" + name + "' needs an http(s) url, got " + baseUri);
        }
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("upstream '" + name + "' needs a positive timeout, got " + timeout);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("upstream '" + name + "' max_retries must not be negative");
        }
    }

    URI completionsUri() {
        String base = baseUri.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    }
}
