package io.fogline.routing.upstream;

/** A call to an upstream that gave no usable answer; {@link #kind} says whether another try may help. */
public final class UpstreamException extends Exception {

    public enum Kind {
        /** Refused, reset or no route: nothing answered. */
        UNREACHABLE(true, "unreachable"),
        /** No answer within the budget. */
        TIMEOUT(true, "timeout"),
        /** A 5xx status: the upstream is there but failing. */
        SERVER_ERROR(true, "server_error"),
        /** A 4xx status: the request is wrong for this upstream, which a retry does not change. */
        CLIENT_ERROR(false, "client_error"),
        /** An answer that could not be read. */
        BAD_RESPONSE(false, "bad_response"),
        /** Not called: its circuit breaker is open. */
        BREAKER_OPEN(false, "breaker_open");

        private final boolean retryable;
        private final String label;

        Kind(boolean retryable, String label) {
            this.retryable = retryable;
            this.label = label;
        }

        public boolean retryable() {
            return retryable;
        }

        /** A short name for metrics and response parameters. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message) {
        this(kind, message, null);
    }

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
