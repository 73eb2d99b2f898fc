package io.fogline.node.ota;

import io.fogline.core.device.UpdateStatus;

/**
 * Where an update action stands. Stored before the work of the step starts, so a node killed at any point resumes
 * the step it was in; every step can be repeated without harm.
 */
public enum Step {
    DOWNLOADING,
    VERIFYING,
    UNPACKING,
    LOADING,
    TESTING,
    /** The tested slot is being made the active one. */
    SWITCHING,
    /** The outcome is stored and queued; what remains is sending it. */
    REPORTING,
    DONE;

    /** The status a report of this step carries (docs/protocol.md); null for the steps that send none. */
    UpdateStatus status() {
        return ordinal() <= TESTING.ordinal() ? UpdateStatus.valueOf(name()) : null;
    }

    /** Whether the slot this action unpacked has passed its golden test. */
    boolean slotTested() {
        return ordinal() >= SWITCHING.ordinal();
    }
}
