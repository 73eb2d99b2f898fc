package io.fogline.control.rollout;

import io.fogline.control.rollout.RolloutEffect.ExpireOverdue;
import io.fogline.control.rollout.RolloutEffect.OpenWave;
import io.fogline.control.rollout.RolloutEffect.RestorePrevious;
import io.fogline.control.rollout.RolloutEvent.Commanded;
import io.fogline.control.rollout.RolloutEvent.Tallied;
import io.fogline.control.rollout.RolloutEvent.Tick;
import io.fogline.control.rollout.RolloutState.Command;
import io.fogline.control.rollout.WaveTally.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of a rollout, as a pure function: a state and an event give the next state and the effects that must
 * happen with it, with no I/O and no clock of its own. Waves open one after another while the rollout runs; a wave's
 * gates judge its devices' outcomes (at a rate, every device targeted so far); a failed gate pauses or rolls back as
 * the rollout says; terminal states stay as they are. {@link Rollouts} stores each transition and carries out its
 * effects in one transaction.
 */
public final class RolloutMachine {

    /** The state after an event and what must happen with it, in order. */
    public record Transition(Rollout rollout, List<RolloutEffect> effects) {}

    /** The positions of the target list whose outcomes the current wave's gates judge: {@code [from, to)}. */
    public record Range(int from, int to) {}

    private RolloutMachine() {}

    /** A new rollout over {@code targets} devices, its waves planned and the first one open. */
    public static Transition start(long id, RolloutSpec spec, String bundle, int targets, long now) {
        List<Rollout.Wave> waves = new ArrayList<>();
        int first = 0;
        for (int size : WavePlan.sizes(spec.waves(), targets)) {
            waves.add(new Rollout.Wave(waves.size(), first, size, WaveResult.PLANNED, null, null, null));
            first += size;
        }
        Rollout planned = new Rollout(id, spec, bundle, RolloutState.RUNNING, null, 0, waves, now, now);
        List<RolloutEffect> effects = new ArrayList<>();
        return new Transition(open(planned, 0, now, effects), effects);
    }

    /**
     * The transition an event makes.
     *
     * @throws io.fogline.control.common.ControlException a conflict, for a command the state does not allow
     */
    public static Transition on(Rollout rollout, RolloutEvent event) {
        List<RolloutEffect> effects = new ArrayList<>();
        Rollout next =
                switch (event) {
                    case Tick tick -> expire(rollout, tick.now(), effects);
                    case Tallied tallied -> judge(rollout, tallied, effects);
                    case Commanded commanded -> command(rollout, commanded, effects);
                };
        return new Transition(next, List.copyOf(effects));
    }

    /** Which devices' outcomes the gates of the current wave judge. */
    public static Range tallied(Rollout rollout) {
        Rollout.Wave wave = rollout.current();
        // At a rate, waves overlap: the gates judge every device targeted so far, not only the current wave's.
        return rollout.spec().waves().everySeconds() == null
                ? new Range(wave.first(), wave.end())
                : new Range(0, wave.end());
    }

    private static Rollout expire(Rollout rollout, long now, List<RolloutEffect> effects) {
        if (!rollout.state().terminal()) {
            long timeout = rollout.spec().gates().deviceTimeoutSeconds();
            effects.add(new ExpireOverdue(now - timeout * 1000, "no result within " + timeout + " s"));
        }
        return rollout;
    }

    private static Rollout judge(Rollout rollout, Tallied tallied, List<RolloutEffect> effects) {
        if (rollout.state() != RolloutState.RUNNING) {
            return rollout;
        }
        long now = tallied.now();
        Rollout.Wave wave = rollout.current();
        if (wave.result() != WaveResult.RUNNING) {
            return moveOn(rollout, now, effects);
        }
        Verdict verdict = tallied.tally().judge(rollout.spec().gates());
        return switch (verdict.outcome()) {
            case PENDING -> {
                Long every = rollout.spec().waves().everySeconds();
                if (every != null && !rollout.lastWave() && now - wave.startedAt() >= every * 1000) {
                    String why = "next wave opened on schedule after " + every + " s";
                    yield moveOn(rollout.withWave(wave.ended(WaveResult.PASSED, why, now), now), now, effects);
                }
                yield rollout;
            }
            case PASSED -> {
                RolloutSpec.LiveGates live = rollout.spec().gates().live();
                if (live == null) {
                    yield moveOn(rollout.withWave(wave.ended(WaveResult.PASSED, null, now), now), now, effects);
                }
                yield judgeLive(rollout, live, tallied, effects);
            }
            case FAILED ->
                failWave(
                        rollout,
                        verdict.reason(),
                        "wave " + wave.index() + " failed its gates: " + verdict.reason(),
                        now,
                        effects);
        };
    }

    /**
     * A wave whose devices all switched, judged on what they did since: it bakes, passes, fails as a failed gate
     * does, or, with too little to judge by, pauses the rollout for an operator (resume overrides).
     */
    private static Rollout judgeLive(
            Rollout rollout, RolloutSpec.LiveGates gates, Tallied tallied, List<RolloutEffect> effects) {
        if (tallied.live() == null) {
            return rollout;
        }
        long now = tallied.now();
        Rollout.Wave wave = rollout.current();
        LiveComparison.Verdict verdict = LiveComparison.judge(gates, tallied.live());
        return switch (verdict.outcome()) {
            case BAKING -> {
                String why = "wave " + wave.index() + " switched; baking " + gates.bakeSeconds() + " s on live traffic";
                yield why.equals(rollout.reason()) ? rollout : rollout.in(RolloutState.RUNNING, why, now);
            }
            case PASSED -> moveOn(rollout.withWave(wave.ended(WaveResult.PASSED, null, now), now), now, effects);
            case INCONCLUSIVE -> {
                String why = "live gates inconclusive: " + verdict.reason();
                yield rollout.withWave(wave.ended(WaveResult.FAILED, why, now), now)
                        .in(RolloutState.PAUSED, "wave " + wave.index() + " " + why, now);
            }
            case FAILED ->
                failWave(
                        rollout,
                        "live gates: " + verdict.reason(),
                        "wave " + wave.index() + " failed its live gates: " + verdict.reason(),
                        now,
                        effects);
        };
    }

    /** Ends the current wave as failed, then pauses or rolls back as the rollout says. */
    private static Rollout failWave(
            Rollout rollout, String waveReason, String reason, long now, List<RolloutEffect> effects) {
        Rollout failed = rollout.withWave(rollout.current().ended(WaveResult.FAILED, waveReason, now), now);
        if (rollout.spec().onFailure().equals(RolloutSpec.PAUSE)) {
            return failed.in(RolloutState.PAUSED, reason, now);
        }
        effects.add(new RestorePrevious(true));
        return failed.in(RolloutState.ROLLED_BACK, reason, now);
    }

    private static Rollout command(Rollout rollout, Commanded commanded, List<RolloutEffect> effects) {
        Command command = commanded.command();
        rollout.state().after(command, rollout.id());
        long now = commanded.now();
        return switch (command) {
            case PAUSE -> rollout.in(RolloutState.PAUSED, "paused by operator", now);
            case RESUME -> {
                Rollout.Wave wave = rollout.current();
                if (wave.result() == WaveResult.FAILED) {
                    String why = "resumed by operator after a failed gate";
                    Rollout overridden = rollout.withWave(wave.ended(WaveResult.OVERRIDDEN, why, now), now);
                    yield moveOn(overridden.in(RolloutState.RUNNING, null, now), now, effects);
                }
                yield rollout.in(RolloutState.RUNNING, null, now);
            }
            case APPROVE -> open(rollout.in(RolloutState.RUNNING, null, now), rollout.currentWave() + 1, now, effects);
            case ABORT -> {
                effects.add(new RestorePrevious(false));
                yield rollout.in(RolloutState.ABORTED, "aborted by operator", now);
            }
            case ROLLBACK -> {
                effects.add(new RestorePrevious(true));
                yield rollout.in(RolloutState.ROLLED_BACK, "rolled back by operator", now);
            }
        };
    }

    /** After the current wave ended: completes the rollout, waits for approval, or opens the next wave. */
    private static Rollout moveOn(Rollout rollout, long now, List<RolloutEffect> effects) {
        int wave = rollout.currentWave();
        if (rollout.lastWave()) {
            return rollout.in(RolloutState.COMPLETED, null, now);
        }
        if (rollout.spec().needsApprovalAfter(wave)) {
            return rollout.in(
                    RolloutState.WAITING_APPROVAL, "wave " + wave + " passed; approve to open wave " + (wave + 1), now);
        }
        return open(rollout.in(RolloutState.RUNNING, null, now), wave + 1, now, effects);
    }

    private static Rollout open(Rollout rollout, int index, long now, List<RolloutEffect> effects) {
        Rollout.Wave wave = rollout.waves().get(index);
        effects.add(new OpenWave(index, wave.first(), wave.size()));
        return rollout.withWave(wave.opened(now), now);
    }
}
