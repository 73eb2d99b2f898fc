package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints a rollout as the control plane reports it: its state, its rules, and a table of its waves and gates. */
final class RolloutReport {

    private RolloutReport() {}

    static String of(JsonNode rollout) {
        StringBuilder out = new StringBuilder();
        JsonNode spec = rollout.path("spec");
        JsonNode waves = rollout.path("waves");
        out.append(String.format(
                Locale.ROOT,
                "rollout %d: %s version %d (bundle %s) %s, wave %d of %d%n",
                rollout.path("id").asLong(),
                rollout.path("model").asText(),
                rollout.path("version").asInt(),
                rollout.path("bundle").asText().substring(0, 12),
                rollout.path("state").asText().toUpperCase(Locale.ROOT),
                rollout.path("current_wave").asInt(),
                waves.size()));
        if (rollout.hasNonNull("state_reason")) {
            out.append("  why: ").append(rollout.path("state_reason").asText()).append('\n');
        }
        JsonNode target = spec.path("target");
        out.append(String.format(
                Locale.ROOT,
                "  target: %s, %d devices; waves: canary %s, then x%s%s; on failure: %s; approval: %s%n",
                target.hasNonNull("group")
                        ? "group '" + target.path("group").asText() + "'"
                        : "selector '" + target.path("selector").asText() + "'",
                rollout.path("targets").asInt(),
                spec.path("waves").path("canary").asText(),
                number(spec.path("waves").path("factor").asDouble()),
                spec.path("waves").hasNonNull("every_seconds")
                        ? " every " + spec.path("waves").path("every_seconds").asLong() + " s"
                        : " as each passes",
                spec.path("on_failure").asText(),
                spec.path("approval").asText()));
        out.append("  gates: ").append(gates(spec.path("gates"))).append('\n');
        out.append(String.format(
                Locale.ROOT,
                "  %-5s %7s  %-10s %8s %6s %9s %7s %7s  %s%n",
                "wave",
                "devices",
                "result",
                "switched",
                "failed",
                "timed out",
                "quality",
                "pending",
                "gate"));
        for (JsonNode wave : waves) {
            JsonNode tally = wave.path("tally");
            boolean opened = !tally.isMissingNode() && !tally.isNull();
            out.append(String.format(
                    Locale.ROOT,
                    "  %-5d %7d  %-10s %8s %6s %9s %7s %7s  %s%n",
                    wave.path("wave").asInt(),
                    wave.path("size").asInt(),
                    wave.path("result").asText(),
                    opened ? tally.path("switched").asText() : "-",
                    opened ? tally.path("failed").asText() : "-",
                    opened ? tally.path("timed_out").asText() : "-",
                    opened ? tally.path("quality_failed").asText() : "-",
                    opened ? tally.path("pending").asText() : "-",
                    wave.hasNonNull("reason") ? wave.path("reason").asText() : ""));
        }
        JsonNode rollback = rollout.path("rollback");
        if (rollback.isObject()) {
            out.append(String.format(
                    Locale.ROOT,
                    "  rollback: %d devices sent their previous version: %d switched back, %d failed, %d pending%n",
                    rollback.path("devices").asInt(),
                    rollback.path("switched").asInt(),
                    rollback.path("failed").asInt(),
                    rollback.path("pending").asInt()));
        }
        return out.toString();
    }

    /** One line per rollout, for a list. */
    static String line(JsonNode rollout) {
        return String.format(
                Locale.ROOT,
                "%-5d %-20s %7d  %-16s wave %d of %d%n",
                rollout.path("id").asLong(),
                rollout.path("model").asText(),
                rollout.path("version").asInt(),
                rollout.path("state").asText(),
                rollout.path("current_wave").asInt(),
                rollout.path("waves").size());
    }

    private static String gates(JsonNode gates) {
        List<String> parts = new ArrayList<>();
        parts.add("success >= " + percent(gates.path("success_threshold").asDouble()));
        if (gates.hasNonNull("failure_threshold")) {
            parts.add("failure <= " + percent(gates.path("failure_threshold").asDouble()) + " (minimum sample "
                    + gates.path("min_sample").asInt() + ")");
        }
        parts.add("device timeout " + gates.path("device_timeout_seconds").asLong() + " s");
        JsonNode quality = gates.path("quality");
        if (quality.path("golden_passed").asBoolean(false)) {
            parts.add("golden test passed");
        }
        limit(parts, quality, "max_p95_ms", "p95_ms");
        limit(parts, quality, "max_error_rate", "error_rate");
        limit(parts, quality, "max_escalation_rate", "escalation_rate");
        JsonNode live = gates.path("live");
        if (live.isObject()) {
            parts.add("live over " + live.path("bake_seconds").asLong() + " s of baking ("
                    + live.path("min_requests").asLong() + " requests, "
                    + live.path("min_ground_truth").asLong() + " labels a side)");
            limit(parts, live, "max_escalation_rate_increase", "escalation_rate increase");
            limit(parts, live, "max_error_rate_increase", "error_rate increase");
            limit(parts, live, "max_p95_ratio", "p95 ratio");
            limit(parts, live, "max_class_psi", "class PSI");
            limit(parts, live, "max_accuracy_drop", "accuracy drop");
        }
        return String.join(", ", parts);
    }

    private static void limit(List<String> parts, JsonNode limits, String field, String figure) {
        if (limits.hasNonNull(field)) {
            parts.add(figure + " <= " + number(limits.path(field).asDouble()));
        }
    }

    private static String percent(double fraction) {
        return number(fraction * 100) + "%";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
