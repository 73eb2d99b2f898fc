package io.fogline.bundle;

/** A bundle was refused; {@link #refusal()} names why and the message says what exactly. */
public final class BundleException extends Exception {

    private final Refusal refusal;
    private final String detail;

    public BundleException(Refusal refusal, String detail) {
        super(refusal.code() + ": " + detail);
        this.refusal = refusal;
        this.detail = detail;
    }

    public BundleException(Refusal refusal, String detail, Throwable cause) {
        this(refusal, detail);
        initCause(cause);
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The message without the refusal code. */
    public String detail() {
        return detail;
    }
}
