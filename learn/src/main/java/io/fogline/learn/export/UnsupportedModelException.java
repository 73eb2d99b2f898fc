package io.fogline.learn.export;

/** An ONNX file that is not one of the graphs the trainer can read back, with what does not fit. */
public final class UnsupportedModelException extends IllegalArgumentException {

    public UnsupportedModelException(String message) {
        super(message);
    }
}
