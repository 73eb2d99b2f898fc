package io.fogline.control.rollout;

import io.fogline.control.common.ControlException;
import io.fogline.control.rollout.RolloutEvent.Commanded;
import io.fogline.control.rollout.RolloutEvent.Tallied;
import io.fogline.control.rollout.RolloutEvent.Tick;
import io.fogline.control.rollout.RolloutState.Command;
import io.fogline.control.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs rollouts: feeds {@link RolloutMachine} its events and keeps each transition, with its effects on devices, in
 * one transaction that holds the rollout's row lock. A control plane may stop between any two transitions and another
 * on the same database goes on from where it stood; replicas take turns on a rollout's lock. Transitions happen on
 * device feedback ({@link RolloutAdvancer}), operator commands and the timer ({@link #tick()}), all at the injected
 * clock's time.
 */
public final class Rollouts {

    private final Database database;
    private final RolloutRepository repository;
    private final LiveSamples live = new LiveSamples();
    private final Clock clock;

    public Rollouts(Database database, Clock clock) {
        this.database = database;
        this.repository = new RolloutRepository(database);
        this.clock = clock;
    }

    /** Starts a rollout and opens its first wave; its targets are the devices that match its target now. */
    public long start(RolloutSpec spec) {
        return database.write(connection -> {
            String bundle = repository.bundleOf(connection, spec.model(), spec.version());
            repository.refuseSecondRollout(connection, spec.model());
            long now = clock.millis();
            long id = repository.insert(connection, spec, bundle, now);
            int targets = repository.target(connection, id, spec.target());
            if (targets == 0) {
                throw ControlException.invalid("target " + describe(spec.target()) + " matches no device");
            }
            carryOut(connection, null, RolloutMachine.start(id, spec, bundle, targets, now));
            return id;
        });
    }

    /**
     * Takes a rollout one step on: times out the devices that are late, then lets the gates judge what its devices
     * did. Does nothing to a finished rollout.
     */
    public void advance(long id) {
        judgeSwitches(id);
        database.write(connection -> {
            Rollout rollout = repository.lock(connection, id);
            if (rollout.state().terminal()) {
                return null;
            }
            long now = clock.millis();
            rollout = carryOut(connection, rollout, RolloutMachine.on(rollout, new Tick(now)));
            if (rollout.state() == RolloutState.RUNNING) {
                RolloutMachine.Range range = RolloutMachine.tallied(rollout);
                WaveTally tally = repository.tally(connection, rollout, range);
                LiveComparison.Sample sample = rollout.spec().gates().live() == null || tally.pending() > 0
                        ? null
                        : live.of(connection, rollout, range, now);
                carryOut(connection, rollout, RolloutMachine.on(rollout, new Tallied(now, tally, sample)));
            }
            return null;
        });
    }

    /**
     * Judges the new switches, a chunk a transaction, before the step takes the rollout's lock: a verdict depends only
     * on the rollout's gates and the switch's last report, neither of which changes. Judged inside the step, the rows
     * stayed locked until the step committed, and every report on those actions (a device's retry) waited for it: in
     * a wave of 100,000 the connections ran out and polls stalled.
     */
    private void judgeSwitches(long id) {
        Rollout rollout = database.read(connection -> repository.load(connection, id));
        if (rollout.state() != RolloutState.RUNNING) {
            return;
        }
        int judged;
        do {
            judged = database.write(connection -> repository.judgeQuality(connection, rollout));
        } while (judged == RolloutRepository.CHUNK);
    }

    /** Advances every unfinished rollout: the timer's step, which sees device timeouts. */
    public void tick() {
        database.read(repository::unfinished).forEach(this::advance);
    }

    /** Carries out an operator's command, or refuses it as a conflict when the rollout's state does not allow it. */
    public void command(long id, Command command) {
        database.write(connection -> {
            Rollout rollout = repository.lock(connection, id);
            carryOut(connection, rollout, RolloutMachine.on(rollout, new Commanded(clock.millis(), command)));
            return null;
        });
        advance(id);
    }

    private Rollout carryOut(Connection connection, Rollout before, RolloutMachine.Transition transition)
            throws SQLException {
        Rollout after = transition.rollout();
        repository.save(connection, before, after);
        for (RolloutEffect effect : transition.effects()) {
            repository.apply(connection, after, effect, after.updatedAt());
        }
        return after;
    }

    /** What an operator sees of a rollout. */
    public RolloutView view(long id) {
        return database.read(connection -> view(connection, id));
    }

    /** Every rollout, newest first. */
    public List<RolloutView> list() {
        return database.read(connection -> {
            List<RolloutView> views = new ArrayList<>();
            for (long id : repository.ids(connection)) {
                views.add(view(connection, id));
            }
            return views;
        });
    }

    private RolloutView view(Connection connection, long id) throws SQLException {
        Rollout rollout = repository.load(connection, id);
        List<RolloutView.Wave> waves = new ArrayList<>();
        for (Rollout.Wave wave : rollout.waves()) {
            waves.add(new RolloutView.Wave(
                    wave.index(),
                    wave.first(),
                    wave.size(),
                    wave.result().wire(),
                    wave.startedAt(),
                    wave.endedAt(),
                    wave.reason(),
                    wave.result() == WaveResult.PLANNED
                            ? null
                            : repository.tally(
                                    connection, rollout, new RolloutMachine.Range(wave.first(), wave.end()))));
        }
        RolloutSpec spec = rollout.spec();
        return new RolloutView(
                id,
                spec.model(),
                spec.version(),
                rollout.bundle(),
                rollout.state().wire(),
                rollout.reason(),
                rollout.currentWave(),
                rollout.targets(),
                rollout.createdAt(),
                rollout.updatedAt(),
                spec,
                waves,
                repository.rollback(connection, id));
    }

    private static String describe(RolloutSpec.Target target) {
        return target.group() != null
                ? "group '" + target.group() + "'"
                : String.format(Locale.ROOT, "selector '%s'", target.selector());
    }
}
