package io.fogline.fetch;

import java.io.IOException;

/** A model could not be put in place; the message names the model and says why, and what to check. */
public final class ModelFetchException extends IOException {

    private final String model;

    ModelFetchException(String model, String reason, Throwable cause) {
        super("cannot fetch " + model + ": " + reason, cause);
        this.model = model;
    }

    public String model() {
        return model;
    }
}
