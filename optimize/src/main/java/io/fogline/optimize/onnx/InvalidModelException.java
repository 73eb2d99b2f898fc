package io.fogline.optimize.onnx;

import java.io.IOException;

/** A file that is not an ONNX model Fogline can work on; the message says which file and why. */
public final class InvalidModelException extends IOException {

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
