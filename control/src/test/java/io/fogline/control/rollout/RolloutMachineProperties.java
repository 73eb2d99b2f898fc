package io.fogline.control.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.control.common.ControlException;
import io.fogline.control.rollout.RolloutEffect.ExpireOverdue;
import io.fogline.control.rollout.RolloutEffect.OpenWave;
import io.fogline.control.rollout.RolloutEffect.RestorePrevious;
import io.fogline.control.rollout.RolloutState.Command;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The rollout machine alone, under thousands of random plans and event sequences, against a world of devices that
 * carries out its effects as the repository does. After every event: waves open in order and only while the rollout
 * runs; exactly the devices of opened waves are targeted; ended waves stay ended; terminal states stay terminal; a
 * wave passes only when its gates say so; a rollback or abort restores devices once; refused commands change nothing.
 * The database-backed properties (RolloutStateMachineProperties) check that the same rules survive storage and
 * restarts.
 */
class RolloutMachineProperties {

    sealed interface Step {}

    /** A targeted device still updating reaches an outcome. */
    record Report(int pick, Outcome outcome) implements Step {}

    record Wait(int seconds) implements Step {}

    record Operate(Command command) implements Step {}

    enum Outcome {
        SWITCHED,
        SWITCHED_BADLY,
        FAILED
    }

    record Gates(double successThreshold, Double failureThreshold, int minSample) {}

    record Plan(
            int targets,
            String canary,
            double factor,
            Long everySeconds,
            Gates gates,
            String onFailure,
            String approval) {

        RolloutSpec spec() {
            return new RolloutSpec(
                    "m",
                    2,
                    new RolloutSpec.Target("g", null),
                    new RolloutSpec.Waves(canary, factor, everySeconds),
                    new RolloutSpec.Gates(
                            gates.successThreshold(),
                            gates.failureThreshold(),
                            gates.minSample(),
                            600,
                            new RolloutSpec.QualityGates(null, null, null, null)),
                    onFailure,
                    approval);
        }
    }

    @Provide
    Arbitrary<Plan> plans() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 40),
                        Arbitraries.of("1", "2", "3", "10%", "50%"),
                        Arbitraries.of(1.0, 2.0, 3.0),
                        Arbitraries.of(60L, 300L).injectNull(0.6),
                        Combinators.combine(
                                        Arbitraries.of(1.0, 0.8, 0.5),
                                        Arbitraries.of(0.3, 0.0).injectNull(0.5),
                                        Arbitraries.integers().between(1, 3))
                                .as(Gates::new),
                        Arbitraries.of(RolloutSpec.PAUSE, RolloutSpec.ROLLBACK),
                        Arbitraries.of(
                                RolloutSpec.APPROVE_NONE,
                                RolloutSpec.APPROVE_AFTER_CANARY,
                                RolloutSpec.APPROVE_EVERY_WAVE))
                .as(Plan::new);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> report = Combinators.combine(
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.frequency(
                                Tuple.of(8, Outcome.SWITCHED),
                                Tuple.of(1, Outcome.SWITCHED_BADLY),
                                Tuple.of(2, Outcome.FAILED)))
                .as(Report::new);
        Arbitrary<Step> wait = Arbitraries.of(30, 120, 700).map(Wait::new);
        Arbitrary<Step> operate = Arbitraries.of(Command.class).map(Operate::new);
        return Arbitraries.frequencyOf(Tuple.of(12, report), Tuple.of(2, wait), Tuple.of(2, operate))
                .list()
                .ofMaxSize(80);
    }

    @Property(tries = 3000)
    void rolloutsKeepTheirRules(@ForAll("plans") Plan plan, @ForAll("steps") List<Step> steps) {
        World world = new World(plan.targets());
        long now = 1_000_000;
        RolloutMachine.Transition start = RolloutMachine.start(7, plan.spec(), "b", plan.targets(), now);
        world.apply(null, start, now);
        Rollout rollout = start.rollout();
        assertThat(rollout.waves().stream().mapToInt(Rollout.Wave::size).sum()).isEqualTo(plan.targets());
        world.check(rollout);

        for (Step step : steps) {
            switch (step) {
                case Report report -> {
                    if (world.report(report.pick(), report.outcome())) {
                        rollout = world.advance(rollout, now);
                    }
                }
                case Wait wait -> {
                    now += wait.seconds() * 1000L;
                    rollout = world.advance(rollout, now);
                }
                case Operate operate -> {
                    Rollout before = rollout;
                    if (allowed(before.state(), operate.command())) {
                        RolloutMachine.Transition transition =
                                RolloutMachine.on(before, new RolloutEvent.Commanded(now, operate.command()));
                        world.approving = operate.command() == Command.APPROVE;
                        world.apply(before, transition, now);
                        world.approving = false;
                        rollout = world.advance(transition.rollout(), now);
                    } else {
                        assertThatThrownBy(() ->
                                        RolloutMachine.on(before, new RolloutEvent.Commanded(0, operate.command())))
                                .isInstanceOf(ControlException.class)
                                .extracting(e -> ((ControlException) e).kind())
                                .isEqualTo(ControlException.Kind.CONFLICT);
                    }
                }
            }
            world.check(rollout);
        }
    }

    private static boolean allowed(RolloutState state, Command command) {
        return switch (command) {
            case PAUSE -> state == RolloutState.RUNNING || state == RolloutState.WAITING_APPROVAL;
            case RESUME -> state == RolloutState.PAUSED;
            case APPROVE -> state == RolloutState.WAITING_APPROVAL;
            case ABORT, ROLLBACK -> !state.terminal();
        };
    }

    /** The devices of one rollout, as the database would hold them, and what the machine asked of them. */
    private static final class World {

        enum Device {
            PENDING,
            SWITCHED,
            SWITCHED_BADLY,
            FAILED,
            TIMED_OUT,
            CANCELLED
        }

        private final Device[] devices;
        private final long[] createdAt;
        private int opened = 0;
        private final List<Boolean> restores = new ArrayList<>();
        private RolloutState last;
        boolean approving;

        World(int targets) {
            devices = new Device[targets];
            createdAt = new long[targets];
        }

        boolean report(int pick, Outcome outcome) {
            List<Integer> updating = new ArrayList<>();
            for (int i = 0; i < devices.length; i++) {
                if (devices[i] == Device.PENDING) {
                    updating.add(i);
                }
            }
            if (updating.isEmpty()) {
                return false;
            }
            devices[updating.get(pick % updating.size())] = Device.valueOf(outcome.name());
            return true;
        }

        /** What the service does after a report or on the timer: a tick, then the gates if the rollout runs. */
        Rollout advance(Rollout rollout, long now) {
            RolloutMachine.Transition tick = RolloutMachine.on(rollout, new RolloutEvent.Tick(now));
            assertThat(tick.rollout()).as("a tick changes only devices").isEqualTo(rollout);
            apply(rollout, tick, now);
            if (rollout.state() != RolloutState.RUNNING) {
                return rollout;
            }
            WaveTally tally = tally(RolloutMachine.tallied(rollout));
            RolloutMachine.Transition judged = RolloutMachine.on(rollout, new RolloutEvent.Tallied(now, tally));
            Rollout.Wave before = rollout.current();
            Rollout.Wave after = judged.rollout().waves().get(before.index());
            if (before.result() == WaveResult.RUNNING && after.result() == WaveResult.PASSED) {
                boolean onSchedule = after.reason() != null;
                WaveTally.Verdict verdict = tally.judge(rollout.spec().gates());
                assertThat(onSchedule || verdict.outcome() == WaveTally.Verdict.Outcome.PASSED)
                        .as("wave %d passed without its gates passing: %s", before.index(), tally)
                        .isTrue();
                if (onSchedule) {
                    assertThat(rollout.spec().waves().everySeconds()).isNotNull();
                    assertThat(now - before.startedAt())
                            .isGreaterThanOrEqualTo(rollout.spec().waves().everySeconds() * 1000);
                }
            }
            if (after.result() == WaveResult.FAILED && before.result() == WaveResult.RUNNING) {
                assertThat(tally.judge(rollout.spec().gates()).outcome()).isEqualTo(WaveTally.Verdict.Outcome.FAILED);
                assertThat(judged.rollout().state())
                        .isEqualTo(
                                rollout.spec().onFailure().equals(RolloutSpec.PAUSE)
                                        ? RolloutState.PAUSED
                                        : RolloutState.ROLLED_BACK);
            }
            apply(rollout, judged, now);
            return judged.rollout();
        }

        void apply(Rollout before, RolloutMachine.Transition transition, long now) {
            if (before != null && before.state().terminal()) {
                assertThat(transition.effects())
                        .as("a finished rollout asks nothing")
                        .isEmpty();
                assertThat(transition.rollout()).isEqualTo(before);
            }
            for (RolloutEffect effect : transition.effects()) {
                switch (effect) {
                    case OpenWave open -> {
                        assertThat(open.wave()).as("waves open in order, once").isEqualTo(opened);
                        assertThat(transition.rollout().state())
                                .as("a wave opens only while the rollout runs")
                                .isEqualTo(RolloutState.RUNNING);
                        if (open.wave() > 0 && transition.rollout().spec().needsApprovalAfter(open.wave() - 1)) {
                            assertThat(approving)
                                    .as("wave %d opened without the approval it waits for", open.wave())
                                    .isTrue();
                        }
                        for (int i = open.first(); i < open.first() + open.size(); i++) {
                            assertThat(devices[i])
                                    .as("device %d targeted twice", i)
                                    .isNull();
                            devices[i] = Device.PENDING;
                            createdAt[i] = now;
                        }
                        opened++;
                    }
                    case ExpireOverdue expire -> {
                        for (int i = 0; i < devices.length; i++) {
                            if (devices[i] == Device.PENDING && createdAt[i] <= expire.createdBefore()) {
                                devices[i] = Device.TIMED_OUT;
                            }
                        }
                    }
                    case RestorePrevious restore -> {
                        restores.add(restore.switchedToo());
                        for (int i = 0; i < devices.length; i++) {
                            if (devices[i] == Device.PENDING) {
                                devices[i] = Device.CANCELLED;
                            }
                        }
                    }
                }
            }
        }

        WaveTally tally(RolloutMachine.Range range) {
            int size = 0, switched = 0, failed = 0, timedOut = 0, bad = 0, pending = 0;
            for (int i = range.from(); i < range.to(); i++) {
                size++;
                switch (devices[i]) {
                    case PENDING -> pending++;
                    case SWITCHED -> switched++;
                    case SWITCHED_BADLY -> bad++;
                    case FAILED, CANCELLED -> failed++;
                    case TIMED_OUT -> timedOut++;
                }
            }
            return new WaveTally(size, switched, failed, timedOut, bad, pending);
        }

        void check(Rollout rollout) {
            if (last != null && last.terminal()) {
                assertThat(rollout.state()).as("terminal stays terminal").isEqualTo(last);
            }
            last = rollout.state();
            List<Rollout.Wave> waves = rollout.waves();
            for (Rollout.Wave wave : waves) {
                if (wave.index() < rollout.currentWave()) {
                    assertThat(wave.result().ended())
                            .as("wave %d before the current one", wave.index())
                            .isTrue();
                } else if (wave.index() > rollout.currentWave()) {
                    assertThat(wave.result()).isEqualTo(WaveResult.PLANNED);
                } else {
                    assertThat(wave.result()).isNotEqualTo(WaveResult.PLANNED);
                }
            }
            assertThat(opened).as("waves opened").isEqualTo(rollout.currentWave() + 1);
            int targeted = 0;
            while (targeted < devices.length && devices[targeted] != null) {
                targeted++;
            }
            int untargetedAfter = targeted;
            while (untargetedAfter < devices.length && devices[untargetedAfter] == null) {
                untargetedAfter++;
            }
            assertThat(new int[] {targeted, untargetedAfter})
                    .as("exactly the devices of opened waves are targeted")
                    .containsExactly(rollout.current().end(), devices.length);
            switch (rollout.state()) {
                case COMPLETED -> {
                    assertThat(rollout.lastWave()).isTrue();
                    assertThat(waves)
                            .allMatch(w -> w.result() == WaveResult.PASSED || w.result() == WaveResult.OVERRIDDEN);
                    assertThat(restores).isEmpty();
                }
                case ROLLED_BACK -> assertThat(restores).containsExactly(true);
                case ABORTED -> assertThat(restores).containsExactly(false);
                case RUNNING -> {
                    assertThat(rollout.current().result()).isEqualTo(WaveResult.RUNNING);
                    assertThat(restores).isEmpty();
                }
                case WAITING_APPROVAL -> {
                    assertThat(rollout.current().result().ended()).isTrue();
                    assertThat(rollout.lastWave()).isFalse();
                    assertThat(restores).isEmpty();
                }
                case PAUSED -> assertThat(restores).isEmpty();
            }
        }
    }
}
