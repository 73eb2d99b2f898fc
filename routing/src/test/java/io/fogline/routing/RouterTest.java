package io.fogline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.routing.upstream.ManualClock;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router over a real ONNX model that returns its input, so a test chooses the class probabilities the rules see:
 * input {@code [0.9, 0.05, 0.05]} is sure, {@code [0.5, 0.3, 0.2]} is not.
 */
class RouterTest {

    private static final float[] SURE = {0.9f, 0.05f, 0.05f};
    private static final float[] UNSURE = {0.5f, 0.3f, 0.2f};

    @TempDir
    Path repository;

    private final ManualClock clock = new ManualClock();
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final List<CircuitBreaker.State> breakerStates = new CopyOnWriteArrayList<>();
    private final RoutingObserver observer = new RoutingObserver() {
        @Override
        public void answered(String model, String tier, String escalation, String cache, boolean degraded) {
            answers.add(String.join(" ", model, tier, escalation, cache, String.valueOf(degraded)));
        }

        @Override
        public void breakerChanged(String parent, CircuitBreaker.State state) {
            breakerStates.add(state);
        }
    };
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private StandInParent parent;
    private ModelManager models;
    private Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
        if (models != null) {
            models.close();
        }
        if (parent != null) {
            parent.close();
        }
        http.close();
    }

    private void serve(String routing) throws IOException {
        TestRepository files = new TestRepository(repository);
        TinyModels.identity(files.modelFile("edge", 1), DataType.FP32);
        files.config("edge", routing == null ? "{}" : "{\"routing\": " + routing + "}");
        TinyModels.identity(files.modelFile("plain", 1), DataType.FP32);
        models = new ModelManager(repository, InferenceObserver.NONE, Router::check);
        models.loadAll();
        router = new Router(models, observer, http, clock);
    }

    private String routing(String parentUrl, String extra) {
        return """
                {"output": "y", "escalate_when": {"max_probability_below": 0.8},
                 "parents": [{"name": "fog", "url": "%s", "model": "big"}],
                 "timeout_ms": 10000,
                 "retries": {"max_retries": 1, "initial_backoff_ms": 1, "max_backoff_ms": 2}%s}""".formatted(parentUrl, extra);
    }

    private InferenceResponse infer(String model, float[] values, Map<String, Object> parameters) {
        InferenceRequest request = new InferenceRequest(
                "r1", parameters, List.of(Tensor.ofFloats("x", new long[] {1, values.length}, values)), List.of());
        return router.infer(model, null, request).join();
    }

    private InferenceResponse infer(float[] values) {
        return infer("edge", values, Map.of());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void answersLocallyWhenTheModelIsSure() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));

        InferenceResponse answer = infer(SURE);

        assertThat(answer.output("y").toFloats()).containsExactly(SURE);
        assertThat(answer.parameters())
                .containsEntry(RoutingParameters.TIER, "local")
                .containsEntry(RoutingParameters.ESCALATION, "none")
                .containsEntry(RoutingParameters.CACHE, "miss")
                .doesNotContainKey(RoutingParameters.DEGRADED);
        assertThat((double) answer.parameters().get(RoutingParameters.CONFIDENCE))
                .isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(answer.id()).isEqualTo("r1");
        assertThat(parent.received()).isEmpty();
        assertThat(answers).containsExactly("edge local none miss false");
    }

    @Test
    void escalatesAnUnsureAnswerToTheParentWithTheBudgetLeft() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));

        InferenceResponse answer = infer(UNSURE);

        assertThat(answer.output("y").toFloats()).containsExactly(0f, 0f, 1f);
        assertThat(answer.modelName()).isEqualTo("edge");
        assertThat(answer.id()).isEqualTo("r1");
        assertThat(answer.parameters())
                .containsEntry(RoutingParameters.TIER, "fog")
                .containsEntry(RoutingParameters.ESCALATION, "max_probability_below")
                .doesNotContainKey(RoutingParameters.DEGRADED);
        InferenceRequest sent = parent.received().getFirst();
        assertThat(sent.input("x").toFloats()).containsExactly(UNSURE);
        assertThat(sent.binaryOutputsByDefault()).isTrue();
        assertThat((Long) sent.parameters().get("timeout_ms")).isBetween(1L, 10000L);
        assertThat(answers).containsExactly("edge fog max_probability_below miss false");
    }

    @Test
    void sendsJsonTensorsToAParentWithoutTheBinaryExtension() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), "").replace("\"model\": \"big\"", "\"model\": \"big\", \"binary\": false"));

        InferenceResponse answer = infer(UNSURE);

        assertThat(answer.parameters()).containsEntry(RoutingParameters.TIER, "fog");
        assertThat(parent.contentTypes()).containsExactly("application/json");
        assertThat(parent.received().getFirst().binaryOutputsByDefault()).isFalse();
        assertThat(parent.received().getFirst().input("x").toFloats()).containsExactly(UNSURE);
    }

    @Test
    void namesEveryTierOfAChainOfEscalations() throws IOException {
        parent = new StandInParent();
        parent.behave(StandInParent.Behaviour.ANSWER_FROM_ITS_PARENT);
        serve(routing(parent.url(), ""));

        InferenceResponse answer = infer(UNSURE);

        assertThat(answer.output("y").toFloats()).containsExactly(0f, 1f, 0f);
        assertThat(answer.parameters())
                .containsEntry(RoutingParameters.TIER, "fog/cloud")
                .containsEntry(RoutingParameters.CONFIDENCE, 0.97);
    }

    @Test
    void answersLocallyAndSaysSoWhenTheParentRefusesConnections() throws IOException {
        serve(routing("http://127.0.0.1:" + closedPort(), ""));

        InferenceResponse answer = infer(UNSURE);

        assertThat(answer.output("y").toFloats()).containsExactly(UNSURE);
        assertThat(answer.parameters())
                .containsEntry(RoutingParameters.TIER, "local")
                .containsEntry(RoutingParameters.ESCALATION, "max_probability_below")
                .containsEntry(RoutingParameters.DEGRADED, true);
        assertThat((String) answer.parameters().get(RoutingParameters.PARENT_ERROR))
                .startsWith("fog: http://127.0.0.1:")
                .contains("is unreachable");
        assertThat(answers).containsExactly("edge local max_probability_below miss true");
    }

    @Test
    void answersLocallyWhenTheParentIsSlowerThanTheBudget() throws IOException {
        parent = new StandInParent();
        parent.behave(StandInParent.Behaviour.STALL);
        serve(routing(parent.url(), ""));

        InferenceResponse answer = infer("edge", UNSURE, Map.of("timeout_ms", 300L));

        assertThat(answer.output("y").toFloats()).containsExactly(UNSURE);
        assertThat(answer.parameters()).containsEntry(RoutingParameters.DEGRADED, true);
        assertThat((String) answer.parameters().get(RoutingParameters.PARENT_ERROR))
                .endsWith("within 300 ms");
    }

    @Test
    void answersLocallyWhenTheParentFailsAndRetriesABoundedNumberOfTimes() throws IOException {
        parent = new StandInParent();
        parent.behave(StandInParent.Behaviour.FAIL);
        serve(routing(parent.url(), "").replace("\"max_retries\": 1", "\"max_retries\": 2"));

        InferenceResponse answer = infer(UNSURE);

        assertThat(answer.parameters()).containsEntry(RoutingParameters.DEGRADED, true);
        assertThat((String) answer.parameters().get(RoutingParameters.PARENT_ERROR))
                .contains("HTTP 500")
                .contains("stand-in failure");
        assertThat(parent.received()).as("one try and two retries").hasSize(3);
    }

    @Test
    void anOpenBreakerSkipsTheParentUntilItsPauseEndsThenAProbeClosesIt() throws IOException {
        parent = new StandInParent();
        parent.behave(StandInParent.Behaviour.FAIL);
        serve(routing(
                        parent.url(),
                        ", \"circuit_breaker\": {\"failure_threshold\": 2, \"open_ms\": 10000, \"half_open_probes\": 1}")
                .replace("\"max_retries\": 1", "\"max_retries\": 0"));

        infer(UNSURE);
        infer(UNSURE);
        InferenceResponse whileOpen = infer(UNSURE);

        assertThat(parent.received()).hasSize(2);
        assertThat(whileOpen.parameters())
                .containsEntry(RoutingParameters.DEGRADED, true)
                .containsEntry(RoutingParameters.PARENT_ERROR, "fog: the circuit breaker is open");
        assertThat(breakerStates).containsExactly(CircuitBreaker.State.OPEN);

        parent.behave(StandInParent.Behaviour.ANSWER);
        clock.advance(Duration.ofSeconds(10));
        InferenceResponse recovered = infer(UNSURE);

        assertThat(recovered.parameters()).containsEntry(RoutingParameters.TIER, "fog");
        assertThat(breakerStates)
                .containsExactly(
                        CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.CLOSED);
    }

    @Test
    void theExactCacheAnswersARepeatedRequestUntilItExpires() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ", \"cache\": {\"max_bytes\": 100000, \"ttl_ms\": 60000}"));

        InferenceResponse first = infer(UNSURE);
        InferenceResponse second = infer("edge", UNSURE, Map.of("binary_data_output", true));

        assertThat(first.parameters()).containsEntry(RoutingParameters.CACHE, "miss");
        assertThat(second.parameters())
                .containsEntry(RoutingParameters.CACHE, "exact")
                .containsEntry(RoutingParameters.TIER, "fog");
        assertThat(second.output("y").toFloats()).containsExactly(0f, 0f, 1f);
        assertThat(parent.received()).hasSize(1);

        clock.advance(Duration.ofSeconds(60));
        InferenceResponse expired = infer(UNSURE);

        assertThat(expired.parameters()).containsEntry(RoutingParameters.CACHE, "miss");
        assertThat(parent.received()).hasSize(2);
        assertThat(answers)
                .containsExactly(
                        "edge fog max_probability_below miss false",
                        "edge fog max_probability_below exact false",
                        "edge fog max_probability_below miss false");
    }

    @Test
    void aDegradedAnswerIsNotCached() throws IOException {
        serve(routing("http://127.0.0.1:" + closedPort(), ", \"cache\": {\"max_bytes\": 100000, \"ttl_ms\": 60000}"));

        infer(UNSURE);
        InferenceResponse again = infer(UNSURE);

        assertThat(again.parameters())
                .containsEntry(RoutingParameters.CACHE, "miss")
                .containsEntry(RoutingParameters.DEGRADED, true);
    }

    @Test
    void scoresTheRawOutputWhenTheClientAsksForClassification() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));
        InferenceRequest request = new InferenceRequest(
                null,
                Map.of(),
                List.of(Tensor.ofFloats("x", new long[] {1, 3}, SURE)),
                List.of(new RequestedOutput("y", null, 1)));

        InferenceResponse answer = router.infer("edge", null, request).join();

        assertThat(answer.outputs()).hasSize(1);
        assertThat(answer.output("y").datatype()).isEqualTo(DataType.BYTES);
        assertThat(answer.parameters()).containsEntry(RoutingParameters.TIER, "local");
    }

    @Test
    void aModelWithoutARoutingSectionAnswersAsBefore() throws IOException {
        serve(null);

        InferenceResponse answer = infer("plain", UNSURE, Map.of());

        assertThat(answer.parameters()).isEmpty();
        assertThat(answers).isEmpty();
    }

    @Test
    void refusesABudgetThatIsNotAPositiveInteger() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));

        assertThatThrownBy(() -> infer("edge", UNSURE, Map.of("timeout_ms", "soon")))
                .isInstanceOf(InferenceException.class)
                .hasMessage("parameters.timeout_ms must be a positive integer of milliseconds, got soon");
    }

    @Test
    void aReloadWithAConfigOverrideChangesThePolicy() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));
        assertThat(infer(UNSURE).parameters()).containsEntry(RoutingParameters.TIER, "fog");

        models.load(
                "edge",
                ModelConfig.parse("{\"routing\": " + routing(parent.url(), "").replace("0.8", "0.4") + "}"));

        assertThat(infer(UNSURE).parameters()).containsEntry(RoutingParameters.TIER, "local");
    }

    @Test
    void aBrokenRoutingSectionRefusesTheLoadAndKeepsTheServingModel() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));

        assertThatThrownBy(() -> models.load(
                        "edge", ModelConfig.parse("{\"routing\": {\"escalate_when\": {\"margin_below\": 2}}}")))
                .isInstanceOf(InferenceException.class)
                .hasMessage("invalid routing section: margin_below must be within [0, 1], got 2.0");
        assertThat(infer(UNSURE).parameters()).containsEntry(RoutingParameters.TIER, "fog");
    }

    @Test
    void failsWhenTheLocalModelFails() throws IOException {
        parent = new StandInParent();
        serve(routing(parent.url(), ""));
        InferenceRequest wrong = InferenceRequest.of(Tensor.ofFloats("z", new long[] {1, 3}, SURE));

        assertThatThrownBy(() -> router.infer("edge", null, wrong))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("'z'");
        assertThat(parent.received()).isEmpty();
    }

    /** Text with personal data, sent beside unsure scores so that it escalates. */
    private static final String TEXT =
            "Refund card 4111 1111 1111 1111 and write to anna.schmidt@example.com from 10.1.2.3";

    private void serveWithText(String redaction) throws IOException {
        parent = new StandInParent();
        parent.behave(StandInParent.Behaviour.ECHO_TEXT);
        TestRepository files = new TestRepository(repository);
        TinyModels.identityWithText(files.modelFile("edge", 1));
        files.config("edge", """
                {"max_batch_size": 0, "routing": {"output": "y", "escalate_when": {"max_probability_below": 0.8},
                 "parents": [{"name": "cloud", "url": "%s", "model": "big"}], "timeout_ms": 5000%s}}""".formatted(parent.url(), redaction));
        models = new ModelManager(repository, InferenceObserver.NONE, Router::check);
        models.loadAll();
        router = new Router(models, observer, http, clock);
    }

    private InferenceResponse inferUnsureWithText() {
        return router.infer(
                        "edge",
                        null,
                        new InferenceRequest(
                                "r1",
                                Map.of(),
                                List.of(
                                        Tensor.ofFloats("x", new long[] {1, 3}, 0.5f, 0.3f, 0.2f),
                                        Tensor.ofStrings("text", new long[] {1, 1}, TEXT)),
                                List.of()))
                .join();
    }

    private static String firstText(Tensor tensor) {
        return new String(tensor.toByteElements().getFirst(), StandardCharsets.UTF_8);
    }

    @Test
    void redactsTheTextOfAnEscalatedRequestAndRestoresItInTheParentsAnswer() throws IOException {
        serveWithText("");

        InferenceResponse answer = inferUnsureWithText();

        assertThat(answer.parameters()).containsEntry(RoutingParameters.TIER, "cloud");
        String atParent = firstText(parent.received().getFirst().input("text"));
        assertThat(atParent).isEqualTo("Refund card <CARD_1> and write to <EMAIL_1> from <IPV4_1>");
        assertThat(parent.received().getFirst().input("x").toFloats()).containsExactly(0.5f, 0.3f, 0.2f);
        assertThat(firstText(answer.output("text_out"))).isEqualTo("Parent saw: " + TEXT);
    }

    @Test
    void leavesPlaceholdersInTheAnswerWhenThePolicySaysNotToRestore() throws IOException {
        serveWithText(", \"redaction\": {\"restore\": false}");

        InferenceResponse answer = inferUnsureWithText();

        assertThat(firstText(answer.output("text_out")))
                .isEqualTo("Parent saw: Refund card <CARD_1> and write to <EMAIL_1> from <IPV4_1>");
    }

    @Test
    void sendsTheTextAsItIsWhenThePolicyTurnsRedactionOff() throws IOException {
        serveWithText(", \"redaction\": {\"enabled\": false}");

        inferUnsureWithText();

        assertThat(firstText(parent.received().getFirst().input("text"))).isEqualTo(TEXT);
    }
}
