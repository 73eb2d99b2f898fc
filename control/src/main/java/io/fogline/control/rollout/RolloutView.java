package io.fogline.control.rollout;

import java.util.List;

/** A rollout as the operator sees it: its state, and each wave with its devices' outcomes and its gates' verdict. */
public record RolloutView(
        long id,
        String model,
        long version,
        String bundle,
        String state,
        String stateReason,
        int currentWave,
        int targets,
        long createdAt,
        long updatedAt,
        RolloutSpec spec,
        List<Wave> waves,
        Rollback rollback) {

    /** One wave: {@code result} is planned, running, passed, failed or overridden (resumed after a failed gate). */
    public record Wave(
            int wave,
            int first,
            int size,
            String result,
            Long startedAt,
            Long endedAt,
            String reason,
            WaveTally tally) {}

    /** How far the devices given their previous version back have got; absent when nothing was rolled back. */
    public record Rollback(int devices, int switched, int failed, int pending) {}
}
