package io.fogline.core.error;

/**
 * A failure that a client should see with a clear message. The {@link Kind} decides the status a transport gives it,
 * so that nothing below the HTTP layer needs to know about HTTP.
 */
public final class InferenceException extends RuntimeException {

    public enum Kind {
        INVALID_ARGUMENT,
        NOT_FOUND,
        UNAVAILABLE,
        PAYLOAD_TOO_LARGE,
        INTERNAL
    }

    private final Kind kind;
    private final int retryAfterSeconds;

    private InferenceException(Kind kind, String message, int retryAfterSeconds, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static InferenceException invalid(String message) {
        return new InferenceException(Kind.INVALID_ARGUMENT, message, 0, null);
    }

    public static InferenceException notFound(String message) {
        return new InferenceException(Kind.NOT_FOUND, message, 0, null);
    }

    public static InferenceException unavailable(String message, int retryAfterSeconds) {
        return new InferenceException(Kind.UNAVAILABLE, message, retryAfterSeconds, null);
    }

    public static InferenceException tooLarge(String message) {
        return new InferenceException(Kind.PAYLOAD_TOO_LARGE, message, 0, null);
    }

    public static InferenceException internal(String message, Throwable cause) {
        return new InferenceException(Kind.INTERNAL, message, 0, cause);
    }

    /**
     * What a failed call tells its client: the failure itself when it is one of these (unwrapped from a
     * {@link java.util.concurrent.CompletionException}), else an internal error that names it.
     */
    public static InferenceException of(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof InferenceException inference ? inference : internal(cause.toString(), cause);
    }

    public Kind kind() {
        return kind;
    }

    /** Seconds a client should wait before retrying; 0 when a retry would not help. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
