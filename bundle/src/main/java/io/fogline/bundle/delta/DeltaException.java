package io.fogline.bundle.delta;

/** A delta that does not rebuild the file it names: malformed, for another base, or for other bytes. */
public final class DeltaException extends Exception {

    DeltaException(String message) {
        super(message);
    }
}
