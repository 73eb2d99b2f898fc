package io.fogline.routing.openai;

/**
 * An answer as the caches keep it: the assistant's text with the placeholders of the request it answered, so that a
 * later request with other personal data in the same places gets its own data restored into it.
 */
public record CachedAnswer(String content, String finishReason) {}
