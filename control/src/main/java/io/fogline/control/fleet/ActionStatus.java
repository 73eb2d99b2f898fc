package io.fogline.control.fleet;

import java.util.Locale;

/** Where an action (an order to a device to serve a model version) stands; the last four end it. */
public enum ActionStatus {
    PENDING,
    DOWNLOADING,
    VERIFYING,
    UNPACKING,
    LOADING,
    TESTING,
    SWITCHED,
    FAILED,
    /** The device did not end the action within the rollout's per-device timeout; counted as failed. */
    TIMED_OUT,
    /** The rollout stopped or rolled back before the device ended the action. */
    CANCELLED;

    public boolean ended() {
        return this == SWITCHED || this == FAILED || this == TIMED_OUT || this == CANCELLED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ActionStatus ofWire(String status) {
        return valueOf(status.toUpperCase(Locale.ROOT));
    }
}
