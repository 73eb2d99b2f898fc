package io.fogline.control.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Fields;
import io.fogline.control.common.Json;
import io.fogline.control.fleet.LabelSelector;

/**
 * What an operator asks for when starting a rollout: which bundle, which devices, how the waves grow, the gates every
 * wave must pass and what a failed gate does. Stored as JSON with the rollout, so a restarted control plane goes on
 * with the same rules.
 */
public record RolloutSpec(
        String model, long version, Target target, Waves waves, Gates gates, String onFailure, String approval) {

    public static final String PAUSE = "pause";
    public static final String ROLLBACK = "rollback";
    public static final String APPROVE_NONE = "none";
    public static final String APPROVE_AFTER_CANARY = "after_canary";
    public static final String APPROVE_EVERY_WAVE = "every_wave";

    /** The devices: those of a group, or those whose labels match a selector ({@code site=berlin,tier=edge}). */
    public record Target(String group, String selector) {}

    /**
     * The first wave (a count, {@code "1"}, or a share, {@code "5%"}), then each wave {@code factor} times the last.
     * Without {@code everySeconds} a wave opens when the one before has passed its gates; with it, waves open at an
     * exponential rate, every {@code everySeconds} (or sooner, once all so far have ended), for as long as the gates
     * judging every device targeted so far hold.
     */
    public record Waves(String canary, double factor, Long everySeconds) {}

    /**
     * Every wave must see at least {@code successThreshold} of its devices switch, and fails as soon as more than
     * {@code failureThreshold} of at least {@code minSample} ended devices failed. A device that has not ended its
     * update {@code deviceTimeoutSeconds} after its wave opened counts as failed.
     */
    public record Gates(
            double successThreshold,
            Double failureThreshold,
            int minSample,
            long deviceTimeoutSeconds,
            QualityGates quality,
            LiveGates live) {

        /** Gates on the switch alone, judged without a bake period. */
        public Gates(
                double successThreshold,
                Double failureThreshold,
                int minSample,
                long deviceTimeoutSeconds,
                QualityGates quality) {
            this(successThreshold, failureThreshold, minSample, deviceTimeoutSeconds, quality, null);
        }
    }

    /**
     * Gates on live behaviour: once every device of a wave has ended its update, the wave bakes for {@code
     * bakeSeconds}, then what its switched devices did since is compared with what the devices still on the old
     * version did over the same time ({@link LiveComparison}). Each limit is optional; {@code minRequests} (and
     * {@code minGroundTruth} for accuracy) on each side are needed to judge at all, else the rollout pauses.
     */
    public record LiveGates(
            long bakeSeconds,
            long minRequests,
            long minGroundTruth,
            Double maxEscalationRateIncrease,
            Double maxErrorRateIncrease,
            Double maxP95Ratio,
            Double maxClassPsi,
            Double maxAccuracyDrop) {

        public LiveGates {
            if (bakeSeconds < 0 || minRequests < 1 || minGroundTruth < 1) {
                throw ControlException.invalid("'gates.live' needs bake_seconds of 0 or more and min_requests and"
                        + " min_ground_truth of 1 or more");
            }
        }
    }

    /** Limits on what a device reports with {@code switched}; a switch that breaks one counts as a failure. */
    public record QualityGates(Boolean goldenPassed, Double maxP95Ms, Double maxErrorRate, Double maxEscalationRate) {}

    public static RolloutSpec parse(JsonNode body) {
        if (!body.isObject()) {
            throw ControlException.invalid("a rollout must be a JSON object");
        }
        String model = Fields.name(Fields.requiredText(body, "model"), "model");
        long version = Fields.requiredLong(body, "version");
        Target target = targetOf(body.path("target"));
        JsonNode waves = body.path("waves");
        String canary = Fields.optionalText(waves, "canary");
        Long every = Fields.optionalLong(waves, "every_seconds");
        if (every != null && every < 1) {
            throw ControlException.invalid("'waves.every_seconds' must be a positive integer, got " + every);
        }
        Waves plan =
                new Waves(canary == null ? "1" : canary, waves.path("factor").asDouble(2.0), every);
        WavePlan.validate(plan);
        JsonNode gates = body.path("gates");
        Gates rules = new Gates(
                fraction(gates, "success_threshold", 1.0),
                gates.hasNonNull("failure_threshold") ? fraction(gates, "failure_threshold", 0) : null,
                (int) positive(gates, "min_sample", 1),
                positive(gates, "device_timeout_seconds", 1800),
                gates.hasNonNull("quality")
                        ? Json.convert(gates.get("quality"), QualityGates.class, "'gates.quality'")
                        : new QualityGates(null, null, null, null),
                gates.hasNonNull("live") ? liveGates(gates.get("live")) : null);
        String onFailure = oneOf(body, "on_failure", ROLLBACK, PAUSE, ROLLBACK);
        String approval = oneOf(body, "approval", APPROVE_NONE, APPROVE_NONE, APPROVE_AFTER_CANARY, APPROVE_EVERY_WAVE);
        return new RolloutSpec(model, version, target, plan, rules, onFailure, approval);
    }

    /** {@code gates.live}, with 600 s of baking and 100 requests and 20 labels a side unless it says otherwise. */
    private static LiveGates liveGates(JsonNode live) {
        if (!live.isObject()) {
            throw ControlException.invalid("'gates.live' must be a JSON object");
        }
        com.fasterxml.jackson.databind.node.ObjectNode withDefaults = live.deepCopy();
        withDefaults.putIfAbsent("bake_seconds", withDefaults.numberNode(600));
        withDefaults.putIfAbsent("min_requests", withDefaults.numberNode(100));
        withDefaults.putIfAbsent("min_ground_truth", withDefaults.numberNode(20));
        return Json.convert(withDefaults, LiveGates.class, "'gates.live'");
    }

    /** A {@code target} object: exactly one of {@code group} or {@code selector}. */
    public static Target targetOf(JsonNode target) {
        String group = Fields.optionalText(target, "group");
        String selector = Fields.optionalText(target, "selector");
        if ((group == null) == (selector == null)) {
            throw ControlException.invalid("'target' needs exactly one of 'group' or 'selector'");
        }
        if (selector != null) {
            LabelSelector.parse(selector);
        }
        return new Target(Fields.name(group, "target.group"), selector);
    }

    private static double fraction(JsonNode gates, String field, double fallback) {
        JsonNode value = gates.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw ControlException.invalid("'gates." + field + "' must be a number from 0 to 1, got " + value);
        }
        return value.asDouble();
    }

    private static long positive(JsonNode gates, String field, long fallback) {
        JsonNode value = gates.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToExactIntegral() || value.asLong() < 1) {
            throw ControlException.invalid("'gates." + field + "' must be a positive integer, got " + value);
        }
        return value.asLong();
    }

    private static String oneOf(JsonNode body, String field, String fallback, String... allowed) {
        String value = Fields.optionalText(body, field);
        if (value == null) {
            return fallback;
        }
        for (String known : allowed) {
            if (known.equals(value)) {
                return value;
            }
        }
        throw ControlException.invalid(
                "'" + field + "' must be one of " + String.join(", ", allowed) + "; got '" + value + "'");
    }

    public boolean needsApprovalAfter(int wave) {
        return approval.equals(APPROVE_EVERY_WAVE) || (approval.equals(APPROVE_AFTER_CANARY) && wave == 0);
    }
}
