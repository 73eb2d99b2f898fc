package io.fogline.optimize.samples;

import java.io.IOException;

/** A {@code .npy} file Fogline cannot read; the message names the file and what is wrong. */
public final class NpyFormatException extends IOException {

    public NpyFormatException(String message) {
        super(message);
    }
}
