package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The rollout state machine under random sequences of device reports, timeouts, control plane restarts and operator
 * commands, against a real control plane over HTTP. After every step: no device beyond the current wave is targeted,
 * finished waves stay as they ended, a terminal state stays terminal, and the desired states match the state (rolled
 * back: every targeted device desires the previous version; aborted: those that had not switched; completed: every
 * device desires the new version). Each try runs on fresh devices and a model of its own in one database.
 */
abstract class RolloutStateMachineProperties {

    private static final int DEVICES = 6;
    private static final Map<Class<?>, ControlHarness> HARNESSES = new HashMap<>();
    private static final Map<Class<?>, Path> DIRS = new HashMap<>();
    private static final AtomicInteger TRIES = new AtomicInteger();

    abstract TestStore store();

    sealed interface Step {}

    record Report(int device, String outcome) implements Step {}

    record Wait(int seconds) implements Step {}

    record Restart() implements Step {}

    record Operate(String command) implements Step {}

    record Plan(
            int canary,
            int factor,
            boolean atARate,
            double successThreshold,
            boolean failureGate,
            String onFailure,
            String approval) {}

    @Provide
    Arbitrary<Plan> plans() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.of(true, false),
                        Arbitraries.of(1.0, 0.5),
                        Arbitraries.of(true, false),
                        Arbitraries.of("pause", "rollback"),
                        Arbitraries.of("none", "after_canary"))
                .as(Plan::new);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> report = Combinators.combine(
                        Arbitraries.integers().between(0, DEVICES - 1),
                        Arbitraries.of("switched", "failed", "slow", "progress"))
                .as(Report::new);
        Arbitrary<Step> wait = Arbitraries.of(30, 300, 700).map(Wait::new);
        Arbitrary<Step> restart = Arbitraries.just(new Restart());
        Arbitrary<Step> operate = Arbitraries.of("pause", "resume", "approve", "abort", "rollback")
                .map(Operate::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, report),
                        net.jqwik.api.Tuple.of(2, wait),
                        net.jqwik.api.Tuple.of(1, restart),
                        net.jqwik.api.Tuple.of(2, operate))
                .list()
                .ofMaxSize(24);
    }

    @Property(tries = 25)
    void rolloutsKeepTheirInvariants(@ForAll("plans") Plan plan, @ForAll("steps") List<Step> steps) throws IOException {
        ControlHarness harness = harness();
        int run = TRIES.incrementAndGet();
        String model = "m" + run;
        String group = "g" + run;
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            devices.add(harness.enrol(group + "-d" + i, group, Map.of()));
        }
        String v1 = harness.publish(model, 1);
        String v2 = harness.publish(model, 2);
        harness.startRollout(Map.of(
                "model", model, "version", 1, "target", Map.of("group", group), "waves", Map.of("canary", "100%")));
        devices.forEach(device -> device.switchTo(device.desired(model), SimulatedDevice.goodQuality()));

        Map<String, Object> gates = new HashMap<>();
        gates.put("success_threshold", plan.successThreshold());
        gates.put("device_timeout_seconds", 600);
        if (plan.failureGate()) {
            gates.put("failure_threshold", 0.3);
            gates.put("min_sample", 2);
        }
        long id = harness.startRollout(Map.of(
                "model",
                model,
                "version",
                2,
                "target",
                Map.of("group", group),
                "waves",
                plan.atARate()
                        ? Map.of("canary", String.valueOf(plan.canary()), "factor", plan.factor(), "every_seconds", 60)
                        : Map.of("canary", String.valueOf(plan.canary()), "factor", plan.factor()),
                "gates",
                gates,
                "on_failure",
                plan.onFailure(),
                "approval",
                plan.approval()));
        Map<String, Boolean> switchedToV2 = new HashMap<>();
        String terminal = null;
        for (Step step : steps) {
            switch (step) {
                case Report report -> {
                    SimulatedDevice device = devices.get(report.device());
                    JsonNode desired = device.desired(model);
                    if (desired.path("bundle").asText().equals(v1)
                            || report.outcome().equals("switched")) {
                        device.switchTo(desired, SimulatedDevice.goodQuality());
                        switchedToV2.put(
                                device.id, desired.path("bundle").asText().equals(v2));
                    } else if (report.outcome().equals("failed")) {
                        device.failGolden(desired);
                    } else if (report.outcome().equals("progress")) {
                        device.report(
                                Map.of("action_id", desired.path("action_id").asLong(), "status", "downloading"));
                    }
                }
                case Wait wait -> {
                    harness.clock.advance(Duration.ofSeconds(wait.seconds()));
                    harness.tick();
                }
                case Restart restart -> harness.restart();
                case Operate operate -> {
                    int status = harness.operator()
                            .post("/api/v1/rollouts/" + id + "/" + operate.command(), Map.of())
                            .status();
                    assertThat(status).isIn(200, 409);
                }
            }
            JsonNode rollout = harness.rollout(id);
            String state = rollout.path("state").asText();
            if (terminal != null) {
                assertThat(state).as("terminal states stay terminal").isEqualTo(terminal);
            } else if (List.of("completed", "rolled_back", "aborted").contains(state)) {
                terminal = state;
            }
            checkWaves(rollout);
            checkDesired(rollout, devices, model, v1, v2, switchedToV2);
        }
    }

    private static void checkWaves(JsonNode rollout) {
        int current = rollout.path("current_wave").asInt();
        for (JsonNode wave : rollout.path("waves")) {
            String result = wave.path("result").asText();
            int index = wave.path("wave").asInt();
            if (index > current) {
                assertThat(result)
                        .as("wave %d after the current %d", index, current)
                        .isEqualTo("planned");
            } else if (index < current) {
                assertThat(result)
                        .as("wave %d before the current %d", index, current)
                        .isIn("passed", "overridden");
            }
        }
    }

    private static void checkDesired(
            JsonNode rollout,
            List<SimulatedDevice> devices,
            String model,
            String v1,
            String v2,
            Map<String, Boolean> switchedToV2) {
        int current = rollout.path("current_wave").asInt();
        JsonNode wave = rollout.path("waves").get(current);
        int targeted = wave.path("first").asInt() + wave.path("size").asInt();
        String state = rollout.path("state").asText();
        for (int i = 0; i < devices.size(); i++) {
            SimulatedDevice device = devices.get(i);
            String desired = device.desired(model).path("bundle").asText();
            if (i >= targeted) {
                assertThat(desired)
                        .as("%s is beyond the current wave", device.id)
                        .isEqualTo(v1);
            } else if (state.equals("rolled_back")) {
                assertThat(desired).as("%s after a rollback", device.id).isEqualTo(v1);
            } else if (state.equals("completed")) {
                assertThat(desired).as("%s after completion", device.id).isEqualTo(v2);
            } else if (state.equals("aborted") && !switchedToV2.getOrDefault(device.id, false)) {
                assertThat(desired)
                        .as("%s had not switched when aborted", device.id)
                        .isEqualTo(v1);
            }
        }
    }

    private ControlHarness harness() throws IOException {
        synchronized (HARNESSES) {
            if (!HARNESSES.containsKey(getClass())) {
                Path dir = Files.createTempDirectory("fogline-rollout-properties");
                DIRS.put(getClass(), dir);
                HARNESSES.put(getClass(), new ControlHarness(store(), dir));
            }
            return HARNESSES.get(getClass());
        }
    }

    @AfterContainer
    static void closeAll() throws IOException {
        synchronized (HARNESSES) {
            HARNESSES.values().forEach(ControlHarness::close);
            HARNESSES.clear();
            for (Path dir : DIRS.values()) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
            DIRS.clear();
        }
    }
}
