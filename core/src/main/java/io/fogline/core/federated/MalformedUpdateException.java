package io.fogline.core.federated;

/** An update body that is not a well-formed update: the message says what is wrong and at which byte. */
public final class MalformedUpdateException extends RuntimeException {

    public MalformedUpdateException(String message) {
        super(message, null, false, false);
    }
}
