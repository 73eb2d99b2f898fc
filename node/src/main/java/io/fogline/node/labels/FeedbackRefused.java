package io.fogline.node.labels;

/** Ground truth the node does not take, with the HTTP status that says why. */
public final class FeedbackRefused extends RuntimeException {

    private final int status;

    FeedbackRefused(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static FeedbackRefused invalid(String message) {
        return new FeedbackRefused(400, message);
    }
}
