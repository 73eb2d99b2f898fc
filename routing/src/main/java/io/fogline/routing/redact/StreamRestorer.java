package io.fogline.routing.redact;

/**
 * Restores placeholders in an answer that arrives in pieces (server-sent events): text that may be the start of a
 * placeholder is held back until the piece that completes or rules it out.
 */
public final class StreamRestorer {

    /** Longer than any placeholder ({@code <DE_TAX_ID_12345>}); a {@code <} further back cannot start one. */
    private static final int LONGEST_PLACEHOLDER = 48;

    private final RedactionSession session;
    private final StringBuilder pending = new StringBuilder();

    StreamRestorer(RedactionSession session) {
        this.session = session;
    }

    /** The restored text that can be released now that {@code piece} has arrived; possibly empty. */
    public String next(String piece) {
        pending.append(piece);
        int open = pending.lastIndexOf("<");
        int release = pending.length();
        if (open >= 0 && pending.indexOf(">", open) < 0 && pending.length() - open < LONGEST_PLACEHOLDER) {
            release = open;
        }
        String ready = pending.substring(0, release);
        pending.delete(0, release);
        return session.restore(ready);
    }

    /** What is still held back, restored, once the answer is complete. */
    public String finish() {
        String rest = session.restore(pending.toString());
        pending.setLength(0);
        return rest;
    }
}
