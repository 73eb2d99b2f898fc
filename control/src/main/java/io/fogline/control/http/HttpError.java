package io.fogline.control.http;

/** A refusal of the transport's own: a body too large, a range that cannot be served, a method a path does not take. */
final class HttpError extends RuntimeException {

    final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }
}
