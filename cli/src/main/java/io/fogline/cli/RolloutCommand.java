package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fogline rollout}: starts, watches and steers staged rollouts through the control plane's REST API. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = "Start, watch and steer staged rollouts of a published bundle.",
        subcommands = {
            RolloutCommand.Start.class,
            RolloutCommand.Status.class,
            RolloutCommand.Steer.Pause.class,
            RolloutCommand.Steer.Resume.class,
            RolloutCommand.Steer.Approve.class,
            RolloutCommand.Steer.Abort.class,
            RolloutCommand.Steer.Rollback.class
        })
final class RolloutCommand {

    private static int failed(ControlConnection.ControlError e) {
        System.err.println("fogline: " + e.getMessage());
        return 1;
    }

    @Command(name = "start", description = "Start a rollout; prints its status.")
    static final class Start implements Callable<Integer> {

        @Mixin
        HelpOption help;

        @Mixin
        ControlConnection connection;

        @Option(names = "--model", required = true, description = "Model name.")
        String model;

        @Option(names = "--version", required = true, description = "Model version, published before.")
        int version;

        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--group", required = true, description = "Devices of this group.")
            String group;

            @Option(names = "--selector", required = true, description = "Devices with these labels: k=v[,k=v].")
            String selector;
        }

        @Option(names = "--canary", defaultValue = "1", description = "First wave: a count or a share like 5%%.")
        String canary;

        @Option(names = "--factor", defaultValue = "2", description = "Each next wave is this many times the last.")
        double factor;

        @Option(
                names = "--every",
                description = "Open waves at this rate (seconds) instead of waiting for each to pass.")
        Long everySeconds;

        @Option(names = "--success-threshold", defaultValue = "1", description = "Share of a wave that must switch.")
        double successThreshold;

        @Option(names = "--failure-threshold", description = "Share of failures that fails a wave at once.")
        Double failureThreshold;

        @Option(names = "--min-sample", defaultValue = "1", description = "Ended devices before the failure gate.")
        int minSample;

        @Option(
                names = "--device-timeout",
                defaultValue = "1800",
                description = "Seconds before a device counts failed.")
        long deviceTimeout;

        @Option(names = "--golden", description = "A switch must report its golden test passed.")
        boolean golden;

        @Option(names = "--max-p95-ms", description = "Quality gate on reported p95 latency.")
        Double maxP95Ms;

        @Option(names = "--max-error-rate", description = "Quality gate on the reported error rate.")
        Double maxErrorRate;

        @Option(names = "--max-escalation-rate", description = "Quality gate on the reported escalation rate.")
        Double maxEscalationRate;

        @Option(
                names = "--bake-seconds",
                description = "Live gates: judge each wave on what its switched devices do over this many seconds"
                        + " after the switch, against the devices still on the old version (600 when another live"
                        + " limit is given).")
        Long bakeSeconds;

        @Option(names = "--live-min-requests", description = "Live gates: requests a side needs to be judged (100).")
        Long liveMinRequests;

        @Option(
                names = "--live-min-ground-truth",
                description = "Live gates: labels a side needs for accuracy to be judged (20).")
        Long liveMinGroundTruth;

        @Option(
                names = "--max-escalation-rate-increase",
                description = "Live gate: the switched devices' escalation rate at most this much above the old's.")
        Double maxEscalationRateIncrease;

        @Option(
                names = "--max-error-rate-increase",
                description = "Live gate: the switched devices' error rate at most this much above the old's.")
        Double maxErrorRateIncrease;

        @Option(
                names = "--max-p95-ratio",
                description = "Live gate: their p95 latency at most this many times the old's.")
        Double maxP95Ratio;

        @Option(
                names = "--max-class-psi",
                description = "Live gate: the PSI of their answered classes against the old's.")
        Double maxClassPsi;

        @Option(
                names = "--max-accuracy-drop",
                description = "Live gate: their live accuracy (from ground truth) at most this much below the old's.")
        Double maxAccuracyDrop;

        @Option(names = "--on-failure", defaultValue = "rollback", description = "pause or rollback.")
        String onFailure;

        @Option(names = "--approval", defaultValue = "none", description = "none, after_canary or every_wave.")
        String approval;

        /** {@code gates.live} when any live flag is given; the control plane fills in the rest. */
        private java.util.Optional<Map<String, Object>> liveGates() {
            Map<String, Object> live = new LinkedHashMap<>();
            live.put("bake_seconds", bakeSeconds);
            live.put("min_requests", liveMinRequests);
            live.put("min_ground_truth", liveMinGroundTruth);
            live.put("max_escalation_rate_increase", maxEscalationRateIncrease);
            live.put("max_error_rate_increase", maxErrorRateIncrease);
            live.put("max_p95_ratio", maxP95Ratio);
            live.put("max_class_psi", maxClassPsi);
            live.put("max_accuracy_drop", maxAccuracyDrop);
            live.values().removeIf(java.util.Objects::isNull);
            return live.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(live);
        }

        @Override
        public Integer call() {
            Map<String, Object> quality = new LinkedHashMap<>();
            if (golden) {
                quality.put("golden_passed", true);
            }
            quality.put("max_p95_ms", maxP95Ms);
            quality.put("max_error_rate", maxErrorRate);
            quality.put("max_escalation_rate", maxEscalationRate);
            Map<String, Object> gates = new LinkedHashMap<>();
            gates.put("success_threshold", successThreshold);
            gates.put("failure_threshold", failureThreshold);
            gates.put("min_sample", minSample);
            gates.put("device_timeout_seconds", deviceTimeout);
            gates.put("quality", quality);
            liveGates().ifPresent(live -> gates.put("live", live));
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("model", model);
            spec.put("version", version);
            spec.put(
                    "target",
                    target.group != null ? Map.of("group", target.group) : Map.of("selector", target.selector));
            Map<String, Object> waves = new LinkedHashMap<>();
            waves.put("canary", canary);
            waves.put("factor", factor);
            waves.put("every_seconds", everySeconds);
            spec.put("waves", waves);
            spec.put("gates", gates);
            spec.put("on_failure", onFailure);
            spec.put("approval", approval);
            try {
                System.out.print(RolloutReport.of(connection.post("/api/v1/rollouts", spec)));
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Print a rollout's waves and gates, or list every rollout.")
    static final class Status implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Parameters(arity = "0..1", paramLabel = "ID", description = "The rollout; all of them when absent.")
        Long id;

        @Override
        public Integer call() {
            try {
                if (id != null) {
                    System.out.print(RolloutReport.of(connection.get("/api/v1/rollouts/" + id)));
                } else {
                    JsonNode rollouts = connection.get("/api/v1/rollouts");
                    System.out.printf("%-5s %-20s %7s  %-16s %s%n", "id", "model", "version", "state", "progress");
                    for (JsonNode rollout : rollouts) {
                        System.out.print(RolloutReport.line(rollout));
                    }
                }
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    /** An operator's command on one rollout, sent as the REST command of the same name; prints the rollout after. */
    abstract static class Steer implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Parameters(paramLabel = "ID", description = "The rollout.")
        long id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                System.out.print(
                        RolloutReport.of(connection.post("/api/v1/rollouts/" + id + "/" + spec.name(), Map.of())));
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }

        @Command(name = "pause", mixinStandardHelpOptions = true, description = "Open no further wave.")
        static final class Pause extends Steer {}

        @Command(name = "resume", mixinStandardHelpOptions = true, description = "Go on (past a failed gate too).")
        static final class Resume extends Steer {}

        @Command(name = "approve", mixinStandardHelpOptions = true, description = "Open the wave waiting approval.")
        static final class Approve extends Steer {}

        @Command(
                name = "abort",
                mixinStandardHelpOptions = true,
                description = "Stop; devices that had not switched go back to their previous version.")
        static final class Abort extends Steer {}

        @Command(
                name = "rollback",
                mixinStandardHelpOptions = true,
                description = "Stop; every targeted device goes back to its previous version.")
        static final class Rollback extends Steer {}
    }
}
