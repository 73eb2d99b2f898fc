package io.fogline.control.federated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Fields;
import io.fogline.control.common.Json;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.fleet.LabelSelector;
import io.fogline.control.rollout.RolloutSpec;
import io.fogline.core.federated.UpdateEncoding;
import io.fogline.federated.AggregationPlan;
import io.fogline.federated.ServerOptimizer;
import java.util.UUID;

/**
 * A federated job as the operator asks for it: train {@code model} version {@code version} on the devices of a target
 * that opted in, for a number of rounds, then publish the result as a new signed version and optionally roll it out.
 *
 * @param fraction the share of the opted-in target devices chosen each round
 * @param minClients the fewest devices a round is opened with; fewer opted in and the job waits
 * @param minReplies the fewest accepted updates a round aggregates; fewer by the deadline and the job fails
 * @param normScreen updates longer than this multiple of the round's median norm are refused; 0 for no screen
 * @param maxExamples the most examples one update may claim (FedAvg weighs by the claim)
 * @param publishVersion the version the result is published as; null for the model's newest plus one
 * @param publishKey the signing key to publish with; null for the control plane's
 * @param rollout the rollout of the result (a rollout body without model and version); null for none
 */
public record JobSpec(
        String id,
        String model,
        long version,
        RolloutSpec.Target target,
        int rounds,
        double fraction,
        int minClients,
        int minReplies,
        int localEpochs,
        int batchSize,
        double learningRate,
        double proximalMu,
        double clipNorm,
        String encoding,
        String aggregation,
        String server,
        double normScreen,
        long roundSeconds,
        long maxExamples,
        Long publishVersion,
        String publishKey,
        JsonNode rollout) {

    public static JobSpec parse(JsonNode body) {
        if (!body.isObject()) {
            throw ControlException.invalid("a federated job must be a JSON object");
        }
        String id = Fields.optionalText(body, "id");
        id = id == null ? "fl-" + UUID.randomUUID().toString().substring(0, 8) : Fields.name(id, "id");
        if (id.length() > 64) {
            throw ControlException.invalid("'id' must be at most 64 characters, got " + id.length());
        }
        JsonNode clients = body.path("clients");
        JsonNode local = body.path("local");
        JsonNode publish = body.path("publish");
        JsonNode rollout = body.get("rollout");
        if (rollout != null && !rollout.isNull() && !rollout.isObject()) {
            throw ControlException.invalid("'rollout' must be an object: a rollout body without model and version");
        }
        int minClients = (int) positive(clients, "clients.minimum", 2);
        JobSpec spec = new JobSpec(
                id,
                Fields.name(Fields.requiredText(body, "model"), "model"),
                Fields.requiredLong(body, "version"),
                RolloutSpec.targetOf(body.path("target")),
                (int) positive(body, "rounds", 3),
                number(clients, "clients.fraction", 1.0, 0, 1),
                minClients,
                (int) positive(body, "min_replies", minClients),
                (int) positive(local, "local.epochs", 1),
                (int) positive(local, "local.batch_size", 32),
                number(local, "local.learning_rate", 0.05, 0, Double.MAX_VALUE),
                number(local, "local.proximal_mu", 0, 0, Double.MAX_VALUE),
                number(local, "local.clip_norm", 0, 0, Double.MAX_VALUE),
                text(body, "encoding", "fp32"),
                text(body, "aggregation", "fedavg"),
                text(body, "server", "sgd"),
                number(body, "norm_screen", 0, 0, Double.MAX_VALUE),
                positive(body, "round_seconds", 600),
                positive(body, "max_examples", 1_000_000),
                publish.hasNonNull("version") ? positive(publish, "publish.version", 1) : null,
                Fields.optionalText(publish, "key"),
                rollout == null || rollout.isNull() ? null : rollout);
        spec.check();
        return spec;
    }

    private void check() {
        if (!(learningRate > 0) || !(fraction > 0)) {
            throw ControlException.invalid("'local.learning_rate' and 'clients.fraction' must be above 0");
        }
        if (minReplies > minClients) {
            throw ControlException.invalid("'min_replies' (" + minReplies + ") cannot exceed 'clients.minimum' ("
                    + minClients + "): a round could never aggregate");
        }
        if (normScreen != 0 && !(normScreen > 1)) {
            throw ControlException.invalid("'norm_screen' must exceed 1 (a multiple of the median norm), or be 0");
        }
        try {
            UpdateEncoding.parse(encoding);
            AggregationPlan.parse(aggregation);
            ServerOptimizer.parse(server);
        } catch (IllegalArgumentException e) {
            throw ControlException.invalid(e.getMessage());
        }
        if (rollout != null) {
            rolloutSpec(1);
        }
    }

    /** The rollout of the result, published as {@code resultVersion}; the job's target unless it names another. */
    public RolloutSpec rolloutSpec(long resultVersion) {
        ObjectNode body = ((ObjectNode) rollout).deepCopy();
        body.put("model", model);
        body.put("version", resultVersion);
        if (!body.has("target")) {
            ObjectNode target = body.putObject("target");
            if (this.target.group() != null) {
                target.put("group", this.target.group());
            } else {
                target.put("selector", this.target.selector());
            }
        }
        return RolloutSpec.parse(body);
    }

    public DeviceFilter filter() {
        return new DeviceFilter(
                target.group(), target.selector() == null ? null : LabelSelector.parse(target.selector()));
    }

    public AggregationPlan plan() {
        return AggregationPlan.parse(aggregation);
    }

    public ServerOptimizer serverOptimizer() {
        return ServerOptimizer.parse(server);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static JobSpec fromJson(String json) {
        return Json.read(json, JobSpec.class);
    }

    private static String text(JsonNode body, String field, String fallback) {
        String value = Fields.optionalText(body, field);
        return value == null ? fallback : value;
    }

    private static long positive(JsonNode body, String path, long fallback) {
        JsonNode value = body.get(leaf(path));
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToExactIntegral() || value.asLong() < 1 || value.asLong() > Integer.MAX_VALUE) {
            throw ControlException.invalid("'" + path + "' must be a positive integer, got " + value);
        }
        return value.asLong();
    }

    private static double number(JsonNode body, String path, double fallback, double min, double max) {
        JsonNode value = body.get(leaf(path));
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw ControlException.invalid("'" + path + "' must be a number from " + min
                    + (max == Double.MAX_VALUE ? " up" : " to " + max) + ", got " + value);
        }
        return value.asDouble();
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
