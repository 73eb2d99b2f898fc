package io.fogline.bundle.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * golden.json (docs/protocol.md): inputs with the outputs the model must give for them, as Open Inference Protocol
 * JSON, and the tolerance for floating-point outputs. A node runs them on a new version before it serves.
 */
public record GoldenSet(Tolerance tolerance, List<GoldenCase> cases) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public GoldenSet {
        cases = List.copyOf(cases);
    }

    /** Parses golden.json; a malformed file fails with an {@link IllegalArgumentException} saying where. */
    public static GoldenSet parse(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.path("cases").isArray()) {
                throw new IllegalArgumentException("golden.json has no 'cases' array");
            }
            JsonNode limits = root.path("tolerance");
            Tolerance tolerance = new Tolerance(
                    limits.path("absolute").asDouble(Tolerance.DEFAULT.absolute()),
                    limits.path("relative").asDouble(Tolerance.DEFAULT.relative()));
            List<GoldenCase> cases = new ArrayList<>();
            for (JsonNode node : root.get("cases")) {
                cases.add(new GoldenCase(request(node.path("request")), response(node.path("response"))));
            }
            return new GoldenSet(tolerance, cases);
        } catch (IOException e) {
            throw new IllegalArgumentException("golden.json is not valid JSON: " + e.getMessage(), e);
        } catch (InferenceException e) {
            throw new IllegalArgumentException("golden.json: " + e.getMessage(), e);
        }
    }

    /** Reads the requests of a file of golden inputs: a JSON array of Open Inference Protocol request bodies. */
    public static List<InferenceRequest> parseRequests(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isArray()) {
                throw new IllegalArgumentException("golden inputs must be a JSON array of inference requests");
            }
            List<InferenceRequest> requests = new ArrayList<>();
            for (JsonNode node : root) {
                requests.add(request(node));
            }
            return requests;
        } catch (IOException e) {
            throw new IllegalArgumentException("golden inputs are not valid JSON: " + e.getMessage(), e);
        } catch (InferenceException e) {
            throw new IllegalArgumentException("golden inputs: " + e.getMessage(), e);
        }
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("tolerance").put("absolute", tolerance.absolute()).put("relative", tolerance.relative());
        ArrayNode cases = root.putArray("cases");
        try {
            for (GoldenCase golden : this.cases) {
                ObjectNode node = cases.addObject();
                node.set(
                        "request",
                        JSON.readTree(InferenceCodec.encodeRequest(golden.request(), false)
                                .body()));
                node.set(
                        "response",
                        JSON.readTree(InferenceCodec.encodeResponse(golden.expected(), name -> false)
                                .body()));
            }
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("re-reading JSON written in memory failed", e);
        }
    }

    private static InferenceRequest request(JsonNode node) throws IOException {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a golden request is not a JSON object");
        }
        byte[] body = JSON.writeValueAsBytes(node);
        return InferenceCodec.decodeRequest(body, body.length, -1);
    }

    private static InferenceResponse response(JsonNode node) throws IOException {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a golden response is not a JSON object");
        }
        byte[] body = JSON.writeValueAsBytes(node);
        return InferenceCodec.decodeResponse(body, body.length, -1);
    }
}
