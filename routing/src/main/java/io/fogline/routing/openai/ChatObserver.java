package io.fogline.routing.openai;

/** Told of each chat answer, each upstream failure and each redacted entity: what metrics count. */
public interface ChatObserver {

    ChatObserver NONE = new ChatObserver() {
        @Override
        public void answered(String source, String cache) {}

        @Override
        public void upstreamFailed(String upstream, String reason) {}

        @Override
        public void redacted(String kind) {}
    };

    /**
     * @param source the upstream that answered, or {@code cache}
     * @param cache {@link ChatCaches.Outcome#label()}
     */
    void answered(String source, String cache);

    /** @param reason the failure's kind: {@code timeout}, {@code server_error}, {@code breaker_open}... */
    void upstreamFailed(String upstream, String reason);

    /** One distinct entity of {@code kind} replaced in a request before it left the node. */
    void redacted(String kind);
}
