package io.fogline.control.rollout;

import java.util.Locale;

/** Where a wave stands: planned, running, or ended as passed, failed, or overridden (resumed after a failed gate). */
public enum WaveResult {
    PLANNED,
    RUNNING,
    PASSED,
    FAILED,
    OVERRIDDEN;

    public boolean ended() {
        return this == PASSED || this == FAILED || this == OVERRIDDEN;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WaveResult ofWire(String result) {
        return valueOf(result.toUpperCase(Locale.ROOT));
    }
}
