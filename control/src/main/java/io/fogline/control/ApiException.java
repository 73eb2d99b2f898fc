package io.fogline.control;

/** A request the control plane refuses, with the HTTP status and the message the client sees as {@code error}. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String refusal;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    private ApiException(int status, String message, String refusal) {
        super(message);
        this.status = status;
        this.refusal = refusal;
    }

    public int status() {
        return status;
    }

    /** The bundle module's name for why a bundle was refused, or null. */
    public String refusal() {
        return refusal;
    }

    /** A bundle refused by the bundle module, with its named reason. */
    public static ApiException refused(String refusal, String message) {
        return new ApiException(400, message, refusal);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }
}
