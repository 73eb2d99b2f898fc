package io.fogline.control.rollout;

/** What a transition asks of the world outside the machine: the devices' actions and desired states. */
public sealed interface RolloutEffect {

    /**
     * Targets the devices at positions {@code [first, first + size)}: each gets an update action and desires the
     * rollout's bundle, remembering what it desired before.
     */
    record OpenWave(int wave, int first, int size) implements RolloutEffect {}

    /** Update actions of the rollout created at or before {@code createdBefore} that have not ended time out. */
    record ExpireOverdue(long createdBefore, String reason) implements RolloutEffect {}

    /**
     * Cancels the rollout's unended update actions and gives targeted devices what they desired before (each a
     * rollback action; a device that desired nothing of the model desires nothing again): every targeted device
     * with {@code switchedToo}, else those that had not switched.
     */
    record RestorePrevious(boolean switchedToo) implements RolloutEffect {}
}
