package io.fogline.control.common;

/**
 * A request the control plane refuses, for a reason of the domain: the transport that carried the request decides
 * how to say so (the HTTP API maps each kind to a status).
 */
public final class ControlException extends RuntimeException {

    /** Why a request is refused. */
    public enum Kind {
        /** Malformed, or breaking a rule of what it asks for. */
        INVALID,
        /** No credential, or one nobody holds. */
        UNAUTHENTICATED,
        /** A credential that does not reach this resource. */
        FORBIDDEN,
        NOT_FOUND,
        /** The state of what it names does not allow it now. */
        CONFLICT
    }

    private final Kind kind;
    private final String refusal;

    private ControlException(Kind kind, String message, String refusal) {
        super(message);
        this.kind = kind;
        this.refusal = refusal;
    }

    public Kind kind() {
        return kind;
    }

    /** The bundle module's name for why a bundle was refused, or null. */
    public String refusal() {
        return refusal;
    }

    /** A bundle refused by the bundle module, with its named reason. */
    public static ControlException refused(String refusal, String message) {
        return new ControlException(Kind.INVALID, message, refusal);
    }

    public static ControlException invalid(String message) {
        return new ControlException(Kind.INVALID, message, null);
    }

    public static ControlException unauthenticated(String message) {
        return new ControlException(Kind.UNAUTHENTICATED, message, null);
    }

    public static ControlException forbidden(String message) {
        return new ControlException(Kind.FORBIDDEN, message, null);
    }

    public static ControlException notFound(String message) {
        return new ControlException(Kind.NOT_FOUND, message, null);
    }

    public static ControlException conflict(String message) {
        return new ControlException(Kind.CONFLICT, message, null);
    }
}
