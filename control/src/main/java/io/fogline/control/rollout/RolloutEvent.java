package io.fogline.control.rollout;

import io.fogline.control.rollout.RolloutState.Command;

/** What can happen to a rollout; each carries the time it happens at. */
public sealed interface RolloutEvent {

    long now();

    /** Time passed: devices that have not ended their update within the rollout's timeout are out of time. */
    record Tick(long now) implements RolloutEvent {}

    /**
     * The devices' outcomes so far, counted over {@link RolloutMachine#tallied(Rollout)}, for the gates to judge, and,
     * for a rollout with live gates once all of them ended, what they did since beside the old version.
     *
     * @param live null until there is something for the live gates to judge
     */
    record Tallied(long now, WaveTally tally, LiveComparison.Sample live) implements RolloutEvent {

        public Tallied(long now, WaveTally tally) {
            this(now, tally, null);
        }
    }

    /** An operator's command. */
    record Commanded(long now, Command command) implements RolloutEvent {}
}
