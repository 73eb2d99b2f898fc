package io.fogline.control.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * A rollout as its state machine sees it: the rules it was started with, where it stands, and its waves, each a range
 * of positions in its target list. Devices are not part of it: what they did reaches the machine as a
 * {@link WaveTally}, and what must happen to them leaves it as {@link RolloutEffect}s, so a rollout to 100,000 devices
 * is as small as one to three.
 *
 * @param reason why the rollout is in its state (a failed gate, an operator), or null
 */
public record Rollout(
        long id,
        RolloutSpec spec,
        String bundle,
        RolloutState state,
        String reason,
        int currentWave,
        List<Wave> waves,
        long createdAt,
        long updatedAt) {

    /** Positions {@code [first, first + size)} of the target list. */
    public record Wave(int index, int first, int size, WaveResult result, Long startedAt, Long endedAt, String reason) {

        public int end() {
            return first + size;
        }

        Wave opened(long now) {
            return new Wave(index, first, size, WaveResult.RUNNING, now, null, null);
        }

        Wave ended(WaveResult ending, String why, long now) {
            return new Wave(index, first, size, ending, startedAt, now, why);
        }
    }

    public Rollout {
        waves = List.copyOf(waves);
    }

    public Wave current() {
        return waves.get(currentWave);
    }

    public boolean lastWave() {
        return currentWave + 1 >= waves.size();
    }

    public int targets() {
        return waves.isEmpty() ? 0 : waves.getLast().end();
    }

    Rollout in(RolloutState next, String why, long now) {
        return new Rollout(id, spec, bundle, next, why, currentWave, waves, createdAt, now);
    }

    Rollout withWave(Wave wave, long now) {
        List<Wave> changed = new ArrayList<>(waves);
        changed.set(wave.index(), wave);
        return new Rollout(id, spec, bundle, state, reason, wave.index(), changed, createdAt, now);
    }
}
