package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The step of an update a device reports; {@code switched} and {@code failed} end the action. */
public enum UpdateStatus {
    DOWNLOADING,
    VERIFYING,
    UNPACKING,
    LOADING,
    TESTING,
    SWITCHED,
    FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean ends() {
        return this == SWITCHED || this == FAILED;
    }
}
