package io.fogline.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceProtocolTest {

    @TempDir
    static Path repository;

    static FoglineNode node;
    static NodeClient client;

    @BeforeAll
    static void startNode() throws IOException {
        TestRepository models = new TestRepository(repository);
        TinyModels.mlp(models.modelFile("mlp", 1), 4, 8, 3, 7);
        models.config("mlp", "{\"labels\": [\"cat\", \"dog\", \"bird\"]}");
        TinyModels.add(models.modelFile("add", 1));
        TinyModels.add(models.modelFile("add", 2));
        models.config("add", "{\"version_policy\": {\"all\": true}}");
        TinyModels.mlp(models.modelFile("spare", 1), 2, 4, 2, 3);
        node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withMaxRequestBytes(64 * 1024)
                .withProtection(NodeProtection.defaults().withModelControl(ModelControlMode.EXPLICIT)));
        client = new NodeClient(node.port());
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    private static final String ADD_REQUEST = """
            {"id": "req-42", "inputs": [
              {"name": "a", "datatype": "FP32", "shape": [2, 2], "data": [[1, 2], [3, 4]]},
              {"name": "b", "datatype": "FP32", "shape": [2, 2], "data": [10, 20, 30, 40]}]}""";

    @Test
    void linuxServesOnTheNativeEpollTransport() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getProperty("os.name").equals("Linux"));
        assertThat(node.transport()).isEqualTo("epoll");
    }

    @Test
    void serverMetadataNamesTheExtensions() {
        NodeClient.Reply reply = client.get("/v2");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).contains("\"name\":\"fogline\"").contains("binary_tensor_data", "model_repository");
    }

    @Test
    void healthEndpointsAnswer200WhenEveryModelLoaded() {
        assertThat(client.get("/v2/health/live").status()).isEqualTo(200);
        assertThat(client.get("/v2/health/ready").status()).isEqualTo(200);
    }

    @Test
    void modelMetadataComesFromTheGraph() {
        NodeClient.Reply reply = client.get("/v2/models/mlp");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text())
                .isEqualTo("{\"name\":\"mlp\",\"versions\":[\"1\"],\"platform\":\"onnxruntime_onnx\","
                        + "\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,4]}],"
                        + "\"outputs\":[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]}");
    }

    @Test
    void everyServedVersionIsAddressable() {
        assertThat(client.get("/v2/models/add").text()).contains("\"versions\":[\"1\",\"2\"]");
        assertThat(client.get("/v2/models/add/versions/1/ready").status()).isEqualTo(200);
        assertThat(client.get("/v2/models/add/versions/2").status()).isEqualTo(200);
        NodeClient.Reply missing = client.get("/v2/models/add/versions/3");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text())
                .isEqualTo("{\"error\":\"model 'add' has no version '3'; ready versions are [1, 2]\"}");
        NodeClient.Reply missingReady = client.get("/v2/models/add/versions/3/ready");
        assertThat(missingReady.status()).as("one rule for an unknown version").isEqualTo(404);
        assertThat(missingReady.text()).isEqualTo(missing.text());
    }

    @Test
    void jsonInferenceEchoesTheIdAndAcceptsNestedData() {
        NodeClient.Reply reply = client.post("/v2/models/add/infer", ADD_REQUEST);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json");
        assertThat(reply.text())
                .isEqualTo("{\"model_name\":\"add\",\"model_version\":\"2\",\"id\":\"req-42\",\"outputs\":[{\"name\":"
                        + "\"sum\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[11.0,22.0,33.0,44.0]}]}");
    }

    @Test
    void aVersionedRequestRunsThatVersion() {
        NodeClient.Reply reply = client.post("/v2/models/add/versions/1/infer", ADD_REQUEST);
        assertThat(reply.text()).contains("\"model_version\":\"1\"");
    }

    @Test
    void binaryTensorsGoBothWays() {
        InferenceRequest request = new InferenceRequest(
                "bin",
                Map.of("binary_data_output", true),
                List.of(
                        Tensor.ofFloats("a", new long[] {1, 3}, 1, 2, 3),
                        Tensor.ofFloats("b", new long[] {1, 3}, 0.5f, 0.25f, 0.125f)),
                List.of());
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);
        NodeClient.Reply reply = client.post("/v2/models/add/infer", encoded.body(), encoded.headerLength());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/octet-stream");
        int headerLength = Integer.parseInt(reply.header("Inference-Header-Content-Length"));
        assertThat(new String(reply.body(), 0, headerLength, StandardCharsets.UTF_8))
                .contains("\"binary_data_size\":12");
        InferenceResponse response = InferenceCodec.decodeResponse(reply.body(), reply.body().length, headerLength);
        assertThat(response.output("sum").toFloats()).containsExactly(1.5f, 2.25f, 3.125f);
    }

    @Test
    void requestedOutputsChooseBinaryOneByOne() {
        InferenceRequest request = new InferenceRequest(
                null,
                Map.of(),
                List.of(Tensor.ofFloats("input", new long[] {1, 4}, 0.1f, 0.2f, 0.3f, 0.4f)),
                List.of(new RequestedOutput("probabilities", true, 0)));
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, false);
        NodeClient.Reply reply = client.post("/v2/models/mlp/infer", encoded.body(), -1);
        int headerLength = Integer.parseInt(reply.header("Inference-Header-Content-Length"));
        float[] probabilities = InferenceCodec.decodeResponse(reply.body(), reply.body().length, headerLength)
                .output("probabilities")
                .toFloats();
        assertThat(probabilities[0] + probabilities[1] + probabilities[2])
                .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void classificationAnswersTopLabels() {
        NodeClient.Reply reply = client.post("/v2/models/mlp/infer", """
                {"inputs": [{"name": "input", "datatype": "FP32", "shape": [2, 4], "data": [1, 0, 0, 0, 0, 0, 0, 1]}],
                 "outputs": [{"name": "probabilities", "parameters": {"classification": 2}}]}""");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text())
                .contains("\"datatype\":\"BYTES\",\"shape\":[2,2]")
                .containsPattern("\"data\":\\[\"[0-9.E-]+:[0-2]:(cat|dog|bird)\"");
    }

    @Test
    void aWrongDatatypeNamesTheTensorAndTheExpectation() {
        NodeClient.Reply reply = client.post("/v2/models/mlp/infer", """
                {"inputs": [{"name": "input", "datatype": "INT64", "shape": [1, 4], "data": [1, 2, 3, 4]}]}""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text()).isEqualTo("{\"error\":\"input 'input': expected datatype FP32, got INT64\"}");
    }

    @Test
    void aWrongShapeNamesTheTensorAndTheExpectation() {
        NodeClient.Reply reply = client.post("/v2/models/mlp/infer", """
                {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 5], "data": [1, 2, 3, 4, 5]}]}""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text()).isEqualTo("{\"error\":\"input 'input': expected shape [-1,4], got [1,5]\"}");
    }

    @Test
    void aMissingInputIsNamed() {
        NodeClient.Reply reply = client.post("/v2/models/add/infer", """
                {"inputs": [{"name": "a", "datatype": "FP32", "shape": [1, 1], "data": [1]}]}""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text()).isEqualTo("{\"error\":\"input 'b' is missing; model 'add' expects inputs [a, b]\"}");
    }

    @Test
    void anUnknownOutputIsNamed() {
        NodeClient.Reply reply = client.post("/v2/models/mlp/infer", """
                {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]}],
                 "outputs": [{"name": "logits"}]}""");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text())
                .isEqualTo("{\"error\":\"unknown output 'logits' for model 'mlp', outputs are [probabilities]\"}");
    }

    @Test
    void aBatchOverTheMaxBatchSizeIsRefused() {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 9 * 4; i++) {
            data.append(i == 0 ? "" : ",").append(i);
        }
        NodeClient.Reply reply = client.post(
                "/v2/models/mlp/infer",
                "{\"inputs\": [{\"name\": \"input\", \"datatype\":" + " \"FP32\", \"shape\": [9, 4], \"data\": [" + data
                        + "]}]}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text())
                .isEqualTo("{\"error\":\"input 'input': batch size 9 exceeds the model's max_batch_size 8\"}");
    }

    @Test
    void unknownModelsAndEndpointsAre404() {
        NodeClient.Reply model = client.post("/v2/models/nope/infer", ADD_REQUEST);
        assertThat(model.status()).isEqualTo(404);
        assertThat(model.text()).isEqualTo("{\"error\":\"unknown model 'nope'\"}");
        assertThat(client.get("/v2/models/nope").text()).isEqualTo(model.text());
        assertThat(client.get("/v2/models/nope/ready").text()).isEqualTo(model.text());
        assertThat(client.get("/v2/models/nope/config").text()).isEqualTo(model.text());
        NodeClient.Reply endpoint = client.get("/v3/anything");
        assertThat(endpoint.status()).isEqualTo(404);
        assertThat(endpoint.text()).isEqualTo("{\"error\":\"no endpoint GET /v3/anything\"}");
        assertThat(client.get("/v2/models/add/versions/1/nope").status()).isEqualTo(404);
    }

    @Test
    void aKnownPathWithAWrongMethodIs405WithAllow() {
        NodeClient.Reply infer = client.get("/v2/models/add/infer");
        assertThat(infer.status()).isEqualTo(405);
        assertThat(infer.header("Allow")).isEqualTo("POST");
        assertThat(infer.text()).isEqualTo("{\"error\":\"no endpoint GET /v2/models/add/infer; it takes POST\"}");
        NodeClient.Reply live = client.send("DELETE", "/v2/health/live");
        assertThat(live.status()).isEqualTo(405);
        assertThat(live.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(client.send("PUT", "/v2/repository/index").header("Allow")).isEqualTo("POST");
    }

    @Test
    void healthPathsAnswerHead() throws IOException {
        assertThat(client.send("HEAD", "/v2/health/live").status()).isEqualTo(200);
        assertThat(client.send("HEAD", "/v2/health/ready").status()).isEqualTo(200);
        assertThat(client.send("HEAD", "/v2/models/add/ready").status()).isEqualTo(200);
        assertThat(client.send("HEAD", "/v2/models/nope/ready").status()).isEqualTo(404);
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.getOutputStream()
                    .write("HEAD /v2/models/nope/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 404").endsWith("\r\n\r\n").doesNotContain("error");
        }
    }

    @Test
    void theModelConfigurationIsTritons() {
        NodeClient.Reply reply = client.get("/v2/models/mlp/config");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text())
                .contains("\"name\":\"mlp\"", "\"platform\":\"onnxruntime_onnx\"", "\"max_batch_size\":8")
                .contains("{\"name\":\"input\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}");
        assertThat(client.get("/v2/models/add/versions/1/config").text()).contains("\"name\":\"add\"");
    }

    @Test
    void everyEndpointBelongsToAnApiGroup() {
        Map<String, ApiGroup> groups = new java.util.HashMap<>();
        for (NodeRoute route : new InferenceServer(null, node.models(), null, null, null, 0, "test")
                .routes()
                .all()) {
            groups.put(route.method() + " " + route.pattern(), route.group());
        }
        assertThat(groups)
                .containsEntry("POST /v2/models/{model}/infer", ApiGroup.INFERENCE)
                .containsEntry("HEAD /v2/health/ready", ApiGroup.HEALTH)
                .containsEntry("GET /v2/models/{model}/versions/{version}/ready", ApiGroup.HEALTH)
                .containsEntry("GET /v2/models/{model}/config", ApiGroup.MODEL_CONFIG)
                .containsEntry("POST /v2/repository/models/{model}/unload", ApiGroup.MODEL_REPOSITORY)
                .containsEntry("GET /v2/models/stats", ApiGroup.STATISTICS)
                .containsEntry("GET /v2", ApiGroup.METADATA)
                .containsEntry("GET /metrics", ApiGroup.METRICS);
        assertThat(ApiGroup.MODEL_REPOSITORY.flagName()).isEqualTo("model-repository");
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413WithoutReadingIt() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            OutputStream out = socket.getOutputStream();
            // Announces 10 MB and sends none of it: the answer must come from the headers alone.
            out.write(("POST /v2/models/add/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 10000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).endsWith("{\"error\":\"the request body is larger than the limit of 65536 bytes\"}");
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /v2/models/add/infer HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 64; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException closedByServer) {
                // The server closes the connection once the limit is passed; the 413 is already on its way.
            }
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void aClientThatExpects100ContinueGetsItBeforeSendingTheBody() throws IOException {
        byte[] body = ADD_REQUEST.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(30_000); // a server that never answers fails the read, as curl would wait its 1 s
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/models/add/infer HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                            + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write(body);
            out.flush();
            assertThat(readAll(in)).startsWith("HTTP/1.1 200").contains("\"data\":[11.0,22.0,33.0,44.0]");
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedInsteadOf100Continue() throws IOException {
        String answer = raw(
                "POST /v2/models/add/infer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n"
                        + "Expect: 100-continue\r\n\r\n",
                new byte[0]);
        assertThat(answer).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
    }

    @Test
    void gzipAndDeflateBodiesAreInflated() throws IOException {
        byte[] body = ADD_REQUEST.getBytes(StandardCharsets.UTF_8);
        assertThat(compressedInfer("gzip", ContentDecodingTest.gzip(body)))
                .startsWith("HTTP/1.1 200")
                .contains("\"data\":[11.0,22.0,33.0,44.0]");
        assertThat(compressedInfer("deflate", ContentDecodingTest.deflate(body, false)))
                .startsWith("HTTP/1.1 200")
                .contains("\"data\":[11.0,22.0,33.0,44.0]");
    }

    @Test
    void aZipBombIs413AndACorruptStreamIs400() throws IOException {
        String bomb = compressedInfer("gzip", ContentDecodingTest.gzip(new byte[50 * 1024 * 1024]));
        assertThat(bomb)
                .startsWith("HTTP/1.1 413")
                .endsWith("{\"error\":\"the decompressed request body is larger than the limit of 65536 bytes\"}");
        String corrupt = compressedInfer("gzip", ADD_REQUEST.getBytes(StandardCharsets.UTF_8));
        assertThat(corrupt)
                .startsWith("HTTP/1.1 400")
                .endsWith("{\"error\":\"the request body is not valid gzip: Not in GZIP format\"}");
        String unknown = compressedInfer("br", new byte[] {1, 2, 3});
        assertThat(unknown)
                .startsWith("HTTP/1.1 400")
                .endsWith("{\"error\":\"Content-Encoding 'br' is not supported; send gzip, deflate or identity\"}");
        NodeClient.Reply after = client.post("/v2/models/add/infer", ADD_REQUEST);
        assertThat(after.status()).as("the node serves on").isEqualTo(200);
    }

    private static String compressedInfer(String encoding, byte[] body) throws IOException {
        return raw(
                "POST /v2/models/add/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Encoding: " + encoding + "\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n",
                body);
    }

    /** Sends a request as written and reads the answer until the server closes the connection. */
    private static String raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return readAll(socket.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            head.append((char) next);
        }
        return head.toString();
    }

    @Test
    void statisticsCountSuccessesAndFailures() {
        client.post("/v2/models/add/versions/1/infer", ADD_REQUEST);
        client.post("/v2/models/add/versions/1/infer", "{\"inputs\": []}");
        NodeClient.Reply reply = client.get("/v2/models/add/versions/1/stats");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text())
                .contains("\"name\":\"add\",\"version\":\"1\"")
                .containsPattern("\"success\":\\{\"count\":[1-9]")
                .containsPattern("\"fail\":\\{\"count\":[1-9]")
                .contains("\"batch_stats\":[{\"batch_size\":");
    }

    @Test
    void theRepositoryApiListsUnloadsAndReloadsWithAConfigOverride() {
        NodeClient.Reply index = client.post("/v2/repository/index", "");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.text()).contains("{\"name\":\"spare\",\"version\":\"1\",\"state\":\"READY\",\"reason\":\"\"}");
        assertThat(client.post("/v2/repository/models/spare/unload", "").status())
                .isEqualTo(200);
        assertThat(client.get("/v2/models/spare/ready").status()).isEqualTo(404);
        assertThat(client.post("/v2/repository/index", "").text())
                .contains("{\"name\":\"spare\",\"version\":null,\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded\"}");
        NodeClient.Reply unloadedInfer = client.post("/v2/models/spare/infer", "{\"inputs\": []}");
        assertThat(unloadedInfer.status()).isEqualTo(404);
        assertThat(unloadedInfer.text()).isEqualTo("{\"error\":\"model 'spare' is not loaded\"}");
        NodeClient.Reply load = client.post(
                "/v2/repository/models/spare/load", "{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 2}\"}}");
        assertThat(load.status()).isEqualTo(200);
        NodeClient.Reply tooBig = client.post("/v2/models/spare/infer", """
                {"inputs": [{"name": "input", "datatype": "FP32", "shape": [3, 2], "data": [1, 2, 3, 4, 5, 6]}]}""");
        assertThat(tooBig.text())
                .isEqualTo("{\"error\":\"input 'input': batch size 3 exceeds the model's max_batch_size 2\"}");
        NodeClient.Reply unknown = client.post("/v2/repository/models/absent/load", "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text()).startsWith("{\"error\":\"unknown model 'absent': no directory ");
        NodeClient.Reply badConfig = client.post(
                "/v2/repository/models/spare/load", "{\"parameters\": {\"config\": \"{\\\"max_batch\\\": 2}\"}}");
        assertThat(badConfig.status()).isEqualTo(400);
        assertThat(badConfig.text()).contains("max_batch");
        assertThat(client.get("/v2/models/spare/ready").status())
                .as("a refused reload keeps the model")
                .isEqualTo(200);
    }

    @Test
    void metricsFollowTritonNamesInPrometheusText() {
        client.post("/v2/models/mlp/infer", """
                {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]}]}""");
        client.post("/v2/models/mlp/infer", "{\"inputs\": [{\"name\": \"input\"}]}");
        NodeClient.Reply reply = client.get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/plain");
        assertThat(reply.text())
                .containsPattern("fogline_inference_request_success_total\\{model=\"mlp\",version=\"1\"} [1-9]")
                .containsPattern(
                        "fogline_inference_request_failure_total\\{model=\"mlp\",reason=\"invalid_argument\"} [1-9]")
                .contains(
                        "fogline_inference_request_duration_seconds_bucket{model=\"mlp\",version=\"1\",le=\"2.5E-4\"}")
                .contains("fogline_inference_queue_duration_seconds_count{model=\"mlp\",version=\"1\"}")
                .contains("fogline_inference_compute_infer_duration_seconds_count{model=\"mlp\",version=\"1\"}")
                .contains("fogline_inference_batch_size_bucket{model=\"mlp\",version=\"1\",le=\"8.0\"}")
                .contains("fogline_inference_count_total{model=\"mlp\",version=\"1\"}")
                .contains("fogline_inference_exec_count_total{model=\"mlp\",version=\"1\"}")
                .contains("fogline_inference_pending_request_count{model=\"mlp\"} 0")
                .contains("fogline_model_load_duration_seconds_count{model=\"mlp\",version=\"1\"} 1")
                .containsPattern("process_resident_memory_bytes [0-9.E]+");
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
