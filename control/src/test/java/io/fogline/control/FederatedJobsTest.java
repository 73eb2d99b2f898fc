package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.learn.federated.GlobalModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Federated jobs on the control plane, with devices speaking the protocol over HTTP: rounds open for opted-in devices,
 * updates pass the intake or are refused by name and counted, a restart mid-round loses nothing, the deadline closes a
 * round, and the last round's model is published and rolled out.
 */
class FederatedJobsTest extends OnBothDatabases {

    private static final int FEATURES = 6;

    @TempDir
    Path dir;

    private byte[] baseOnnx;
    private SimulatedDevice a;
    private SimulatedDevice b;
    private SimulatedDevice c;
    private SimulatedDevice stranger;

    @BeforeEach
    void publishABaseModelAndEnrolDevices() throws IOException {
        harness.restartWith(new LearnModels(harness.signingKey()));
        baseOnnx = LearnModels.softmax(FEATURES, 7);
        Http.Answer published = harness.operator()
                .postBytes(
                        "/api/v1/bundles",
                        Files.readAllBytes(LearnModels.bundle(dir, "toy", 1, baseOnnx, harness.signingKey())));
        assertThat(published.status()).as(published.text()).isEqualTo(201);
        a = harness.enrol("dev-a", "cameras", Map.of());
        b = harness.enrol("dev-b", "cameras", Map.of());
        c = harness.enrol("dev-c", "cameras", Map.of());
        stranger = harness.enrol("dev-d", "cameras", Map.of());
        for (SimulatedDevice device : List.of(a, b, c)) {
            device.optIn(50);
        }
    }

    private Map<String, Object> job(String id, Map<String, Object> extra) {
        Map<String, Object> job = new HashMap<>();
        job.put("id", id);
        job.put("model", "toy");
        job.put("version", 1);
        job.put("target", Map.of("group", "cameras"));
        job.put("rounds", 2);
        job.put("clients", Map.of("minimum", 3));
        job.put("min_replies", 2);
        job.put("round_seconds", 60);
        job.putAll(extra);
        return job;
    }

    private JsonNode start(Map<String, Object> job) {
        Http.Answer answer = harness.operator().post("/api/v1/federated/jobs", job);
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json();
    }

    private JsonNode view(String id) {
        Http.Answer answer = harness.operator().get("/api/v1/federated/jobs/" + id);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json();
    }

    private static Http.Answer upload(SimulatedDevice device, String job, int round, long examples, float[] delta) {
        return device.federatedUpdate(job, round, examples, delta);
    }

    private static float[] filled(int dimension, float value) {
        float[] delta = new float[dimension];
        Arrays.fill(delta, value);
        return delta;
    }

    private static void assertRefused(Http.Answer answer, String refusal) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.json().path("refusal").asText()).as(answer.text()).isEqualTo(refusal);
    }

    private float[] global(SimulatedDevice device, JsonNode task) {
        Http.Answer weights =
                device.http.get("/api/v1/blobs/" + task.path("weights").asText());
        assertThat(weights.status()).isEqualTo(200);
        assertThat((long) weights.body().length)
                .isEqualTo(task.path("weights_size").asLong());
        return GlobalModel.parameters(weights.body());
    }

    @Test
    void roundsAggregateTheChosenDevicesUpdatesRefuseBadOnesAndPublishTheResult() {
        start(job(
                "fl-1",
                Map.of("norm_screen", 3, "publish", Map.of(), "rollout", Map.of("waves", Map.of("canary", "1")))));
        harness.tick();

        JsonNode task = a.poll().path("federated");
        assertThat(task.path("job").asText()).isEqualTo("fl-1");
        assertThat(task.path("round").asInt()).isEqualTo(1);
        assertThat(stranger.poll().has("federated")).isFalse();
        float[] base = global(a, task);
        assertThat(base).containsExactly(GlobalModel.parameters(baseOnnx));
        int dimension = base.length;

        assertThat(upload(a, "fl-1", 1, 1, filled(dimension, 1)).status()).isEqualTo(200);
        assertRefused(upload(a, "fl-1", 1, 1, filled(dimension, 1)), "duplicate");
        assertRefused(upload(b, "fl-1", 1, 3, filled(dimension, Float.NaN)), "not_finite");
        assertRefused(upload(b, "fl-1", 1, 3, filled(dimension + 1, 1)), "wrong_shape");
        assertRefused(upload(stranger, "fl-1", 1, 3, filled(dimension, 1)), "not_enrolled");
        assertRefused(upload(b, "fl-9", 1, 3, filled(dimension, 1)), "unknown_round");
        assertRefused(upload(b, "fl-1", 2, 3, filled(dimension, 1)), "unknown_round");
        assertThat(upload(b, "fl-1", 1, 3, filled(dimension, 3)).status()).isEqualTo(200);
        assertThat(a.poll().has("federated"))
                .as("a device that answered has no task")
                .isFalse();

        harness.restart();
        harness.tick();
        assertThat(view("fl-1").path("history").get(0).path("state").asText()).isEqualTo("open");
        harness.clock.advance(Duration.ofSeconds(61));
        assertRefused(upload(c, "fl-1", 1, 3, filled(dimension, 1)), "closed_round");
        harness.tick();

        JsonNode first = view("fl-1").path("history").get(0);
        assertThat(first.path("state").asText()).isEqualTo("aggregated");
        assertThat(first.path("chosen").asInt()).isEqualTo(3);
        assertThat(first.path("accepted").asInt()).isEqualTo(2);
        assertThat(first.path("aggregated").asInt()).isEqualTo(2);
        assertThat(first.path("accuracy").asDouble()).isEqualTo(0.75);
        assertThat(first.path("refusals").toString())
                .isEqualTo("{\"closed_round\":1,\"duplicate\":1,\"not_enrolled\":1,\"not_finite\":1,"
                        + "\"unknown_round\":1,\"wrong_shape\":1}");

        harness.tick();
        JsonNode second = c.poll().path("federated");
        assertThat(second.path("round").asInt()).isEqualTo(2);
        float[] after = global(c, second);
        for (int k = 0; k < dimension; k++) {
            // FedAvg weighs by examples: (1 × 1 + 3 × 3) / 4.
            assertThat(after[k]).isCloseTo(base[k] + 2.5f, within(1e-4f));
        }
        assertThat(upload(a, "fl-1", 2, 1, filled(dimension, 1)).status()).isEqualTo(200);
        assertThat(upload(b, "fl-1", 2, 3, filled(dimension, 3)).status()).isEqualTo(200);
        assertThat(upload(c, "fl-1", 2, 3, filled(dimension, 1000)).status()).isEqualTo(200);
        harness.tick();

        JsonNode done = view("fl-1");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("history").get(1).path("aggregated").asInt()).isEqualTo(2);
        assertThat(done.path("history").get(1).path("refusals").toString()).isEqualTo("{\"norm_outlier\":1}");
        assertThat(done.path("result_version").asInt()).isEqualTo(2);
        JsonNode versions =
                harness.operator().get("/api/v1/models/toy").json().get(0).path("versions");
        assertThat(versions.get(0).path("version").asInt()).isEqualTo(2);
        assertThat(versions.get(0).path("bundle").asText())
                .isEqualTo(done.path("result_bundle").asText());
        JsonNode rollout = harness.rollout(done.path("rollout_id").asLong());
        assertThat(rollout.path("version").asInt()).isEqualTo(2);
    }

    @Test
    void aRoundWithTooFewRepliesByItsDeadlineFailsTheJobSayingWhy() {
        start(job("fl-2", Map.of()));
        harness.tick();
        int dimension = global(a, a.poll().path("federated")).length;
        assertThat(upload(a, "fl-2", 1, 10, filled(dimension, 1)).status()).isEqualTo(200);
        harness.tick();
        assertThat(view("fl-2").path("state").asText()).isEqualTo("running");

        harness.clock.advance(Duration.ofSeconds(61));
        harness.tick();

        JsonNode failed = view("fl-2");
        assertThat(failed.path("state").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText())
                .isEqualTo("round 1: 1 of 3 chosen devices sent an accepted update by the deadline; 2 needed");
        assertThat(b.poll().has("federated"))
                .as("a failed job's round leaves the desired state")
                .isFalse();
    }

    @Test
    void aJobWaitsForEnoughOptedInDevicesAndCanBeStopped() {
        start(job("fl-3", Map.of("clients", Map.of("minimum", 4))));
        harness.tick();
        assertThat(view("fl-3").path("reason").asText())
                .isEqualTo("waiting for devices: 3 of the target's devices take part, 4 needed");

        Http.Answer stopped = harness.operator().post("/api/v1/federated/jobs/fl-3/stop", Map.of());
        assertThat(stopped.status()).as(stopped.text()).isEqualTo(200);
        assertThat(stopped.json().path("state").asText()).isEqualTo("stopped");
        assertThat(harness.operator()
                        .post("/api/v1/federated/jobs/fl-3/stop", Map.of())
                        .status())
                .isEqualTo(409);
    }

    @Test
    void aJobOnAModelNobodyCanTrainOrWithBadSettingsIsRefusedByName() {
        harness.publish("opaque", 1);
        Map<String, Object> opaque = job("fl-4", Map.of("model", "opaque"));
        Http.Answer untrainable = harness.operator().post("/api/v1/federated/jobs", opaque);
        assertThat(untrainable.status()).isEqualTo(400);
        assertThat(untrainable.error()).startsWith("model 'opaque' version 1 cannot be trained on devices: ");

        Http.Answer missing = harness.operator().post("/api/v1/federated/jobs", job("fl-5", Map.of("version", 9)));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("no model 'toy' version 9");

        Http.Answer rule =
                harness.operator().post("/api/v1/federated/jobs", job("fl-6", Map.of("aggregation", "mean-ish")));
        assertThat(rule.status()).isEqualTo(400);
        assertThat(rule.error()).startsWith("unknown aggregation rule 'mean-ish'");

        Http.Answer replies = harness.operator().post("/api/v1/federated/jobs", job("fl-7", Map.of("min_replies", 5)));
        assertThat(replies.status()).isEqualTo(400);
        assertThat(replies.error())
                .isEqualTo("'min_replies' (5) cannot exceed 'clients.minimum' (3): a round could never aggregate");
    }
}
