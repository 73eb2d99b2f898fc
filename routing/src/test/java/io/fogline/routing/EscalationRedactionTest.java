package io.fogline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text in BYTES tensors that escalates is redacted before it leaves the node, checked at the parent. */
class EscalationRedactionTest {

    private static final String TEXT =
            "Refund card 4111 1111 1111 1111 and write to anna.schmidt@example.com from 10.1.2.3";

    @TempDir
    Path repository;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private StandInParent parent;
    private ModelManager models;
    private Router router;

    @AfterEach
    void close() {
        router.close();
        models.close();
        parent.close();
        http.close();
    }

    private void serve(String redaction) throws IOException {
        parent = new StandInParent();
        parent.behave(StandInParent.Behaviour.ECHO_TEXT);
        TestRepository files = new TestRepository(repository);
        TinyModels.identityWithText(files.modelFile("edge", 1));
        files.config("edge", """
                {"max_batch_size": 0, "routing": {"output": "y", "escalate_when": {"max_probability_below": 0.8},
                 "parents": [{"name": "cloud", "url": "%s", "model": "big"}], "timeout_ms": 5000%s}}""".formatted(parent.url(), redaction));
        models = new ModelManager(repository, InferenceObserver.NONE, Router::check);
        models.loadAll();
        router = new Router(models, RoutingObserver.NONE, http, System::nanoTime);
    }

    private InferenceResponse inferUnsure() {
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

    private static String text(Tensor tensor) {
        return new String(tensor.toByteElements().getFirst(), StandardCharsets.UTF_8);
    }

    @Test
    void redactsTheTextOfAnEscalatedRequestAndRestoresItInTheParentsAnswer() throws IOException {
        serve("");

        InferenceResponse answer = inferUnsure();

        assertThat(answer.parameters()).containsEntry(RoutingParameters.TIER, "cloud");
        String atParent = text(parent.received().getFirst().input("text"));
        assertThat(atParent).isEqualTo("Refund card <CARD_1> and write to <EMAIL_1> from <IPV4_1>");
        assertThat(parent.received().getFirst().input("x").toFloats()).containsExactly(0.5f, 0.3f, 0.2f);
        assertThat(text(answer.output("text_out"))).isEqualTo("Parent saw: " + TEXT);
    }

    @Test
    void leavesPlaceholdersInTheAnswerWhenThePolicySaysNotToRestore() throws IOException {
        serve(", \"redaction\": {\"restore\": false}");

        InferenceResponse answer = inferUnsure();

        assertThat(text(answer.output("text_out")))
                .isEqualTo("Parent saw: Refund card <CARD_1> and write to <EMAIL_1> from <IPV4_1>");
    }

    @Test
    void sendsTheTextAsItIsWhenThePolicyTurnsRedactionOff() throws IOException {
        serve(", \"redaction\": {\"enabled\": false}");

        inferUnsure();

        assertThat(text(parent.received().getFirst().input("text"))).isEqualTo(TEXT);
    }
}
