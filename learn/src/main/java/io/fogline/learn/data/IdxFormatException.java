package io.fogline.learn.data;

import java.io.IOException;

/** An IDX file whose bytes do not describe the array its header promises. */
public final class IdxFormatException extends IOException {

    public IdxFormatException(String message) {
        super(message);
    }
}
