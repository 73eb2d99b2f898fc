package io.fogline.learn.data;

import java.io.IOException;

/** A dataset whose files are not where they were looked for; the message says how to install them. */
public final class DatasetNotFoundException extends IOException {

    public DatasetNotFoundException(String message) {
        super(message);
    }
}
