package io.fogline.bench.sim;

import io.fogline.core.device.Accepted;
import io.fogline.core.device.DesiredState;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.Feedback;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The device side of docs/protocol.md for many virtual devices at once, over one {@link KeepAliveClient}: each call
 * blocks its device's virtual thread; the wait for a free connection counts in the latency a device sees.
 */
final class DeviceProtocol {

    private static final Map<String, String> JSON_BODY = Map.of("Content-Type", "application/json");

    /** A poll's answer: 304 carries no body. */
    record Polled(int status, DesiredState desired, String etag) {}

    private final KeepAliveClient http;

    DeviceProtocol(KeepAliveClient http) {
        this.http = http;
    }

    String enrol(String token, String deviceId, Map<String, String> labels) throws IOException {
        byte[] body = ProtocolJson.write(new Enrolment(token, deviceId, labels));
        KeepAliveClient.Response response = http.send("POST", "/api/v1/enrol", JSON_BODY, body);
        return read(expect(response, 201, "enrolment of " + deviceId), Enrolment.Enrolled.class)
                .credential();
    }

    Polled desired(String deviceId, String credential, String etag) throws IOException {
        Map<String, String> headers = etag == null
                ? Map.of("Authorization", "Bearer " + credential)
                : Map.of("Authorization", "Bearer " + credential, "If-None-Match", etag);
        KeepAliveClient.Response response = http.send("GET", "/api/v1/devices/" + deviceId + "/desired", headers, null);
        if (response.status() == 304) {
            return new Polled(304, null, etag);
        }
        DesiredState desired = read(expect(response, 200, "desired state of " + deviceId), DesiredState.class);
        return new Polled(200, desired, response.headers().get("etag"));
    }

    /** A bundle's manifest or signature, or a blob: {@code path} below {@code /api/v1/}. */
    byte[] fetch(String path, String credential) throws IOException {
        return expect(
                http.send("GET", "/api/v1/" + path, Map.of("Authorization", "Bearer " + credential), null), 200, path);
    }

    boolean feedback(String deviceId, String credential, Feedback report) throws IOException {
        KeepAliveClient.Response response = http.send(
                "POST",
                "/api/v1/devices/" + deviceId + "/feedback",
                Map.of("Authorization", "Bearer " + credential, "Content-Type", "application/json"),
                ProtocolJson.write(report));
        return read(expect(response, 200, "feedback of " + deviceId), Accepted.class)
                .accepted();
    }

    /** Sends one telemetry batch; true when the control plane applied it, false for one it had applied before. */
    boolean telemetry(String deviceId, String credential, TelemetryBatch batch) throws IOException {
        KeepAliveClient.Response response = http.send(
                "POST",
                "/api/v1/devices/" + deviceId + "/telemetry",
                Map.of("Authorization", "Bearer " + credential, "Content-Type", "application/json"),
                TelemetryJson.write(batch));
        return read(expect(response, 200, "telemetry of " + deviceId), Accepted.class)
                .accepted();
    }

    private static <T> T read(byte[] body, Class<T> type) throws IOException {
        try {
            return ProtocolJson.read(body, type);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] expect(KeepAliveClient.Response response, int status, String what) throws IOException {
        if (response.status() != status) {
            throw new IOException(what + ": HTTP " + response.status() + " "
                    + new String(response.body(), StandardCharsets.UTF_8).strip());
        }
        return response.body();
    }
}
