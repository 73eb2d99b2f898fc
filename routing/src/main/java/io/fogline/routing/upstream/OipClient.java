package io.fogline.routing.upstream;

import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client of one model on an Open Inference Protocol v2 server: another Fogline node, Triton or KServe. Tensors
 * travel in Triton's binary extension when asked to, which spares both sides printing and parsing numbers.
 */
public final class OipClient {

    /** The request parameter that carries a budget in milliseconds from tier to tier. */
    private final HttpClient http;

    private final URI inferUri;
    private final boolean binary;

    /**
     * @param baseUrl the server, e.g. {@code http://fog.local:8000}
     * @param version the model version to ask for; null or empty for the server's choice
     */
    public OipClient(HttpClient http, String baseUrl, String model, String version, boolean binary) {
        this.http = http;
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String path = "/v2/models/" + encode(model)
                + (version == null || version.isEmpty() ? "" : "/versions/" + encode(version)) + "/infer";
        this.inferUri = URI.create(base + path);
        this.binary = binary;
    }

    public URI inferUri() {
        return inferUri;
    }

    /**
     * Sends a request and waits at most {@code timeout} for its answer, which is also the budget the server is told.
     */
    public InferenceResponse infer(InferenceRequest request, Duration timeout) throws UpstreamException {
        Map<String, Object> parameters = new LinkedHashMap<>(request.parameters());
        // What is left of the budget, in both units: a Triton parent reads timeout, a Fogline one either.
        parameters.put(InferenceRequest.TIMEOUT_MILLIS, Math.max(1, timeout.toMillis()));
        parameters.put(InferenceRequest.TIMEOUT_MICROS, Math.max(1, timeout.toNanos() / 1000));
        if (binary) {
            parameters.put("binary_data_output", true);
        }
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(
                new InferenceRequest(request.id(), parameters, request.inputs(), request.outputs()), binary);
        HttpRequest.Builder builder = HttpRequest.newBuilder(inferUri)
                .timeout(timeout)
                .header("Content-Type", encoded.hasBinary() ? InferenceCodec.BINARY_CONTENT_TYPE : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(encoded.body()));
        if (encoded.hasBinary()) {
            builder.header(InferenceCodec.HEADER_LENGTH, Integer.toString(encoded.headerLength()));
        }
        HttpResponse<byte[]> response =
                UpstreamHttp.send(http, builder.build(), HttpResponse.BodyHandlers.ofByteArray(), timeout);
        byte[] body = response.body();
        if (response.statusCode() != 200) {
            throw UpstreamHttp.statusError(response.statusCode(), inferUri, body);
        }
        try {
            int headerLength = response.headers()
                    .firstValue(InferenceCodec.HEADER_LENGTH)
                    .map(Integer::parseInt)
                    .orElse(-1);
            return InferenceCodec.decodeResponse(body, body.length, headerLength);
        } catch (InferenceException | NumberFormatException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.BAD_RESPONSE,
                    "unreadable answer from " + inferUri + ": " + e.getMessage(),
                    e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
