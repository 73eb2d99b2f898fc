package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.Refusal;
import io.fogline.bundle.Sha256;
import io.fogline.core.device.Accepted;
import io.fogline.core.device.DesiredState;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.FederatedOptIn;
import io.fogline.core.device.ProtocolJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The device side of docs/protocol.md over HTTP. Network trouble is an {@link IOException}; the node retries. */
final class ControlClient {

    /** The control plane answered with an error status. */
    static final class ControlException extends IOException {
        final int status;

        ControlException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** A poll's answer: the desired state, or empty when it has not changed since {@code etag}. */
    record Polled(Optional<DesiredState> desired, String etag) {}

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;

    /** @param tls trusts the control plane's CA (or its pinned certificate) only; null for the JDK's default CAs */
    ControlClient(URI base, SSLContext tls) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    /** Enrols with a token; returns the device credential. */
    String enrol(String token, String deviceId, Map<String, String> labels) throws IOException {
        byte[] body = ProtocolJson.write(new Enrolment(token, deviceId, labels));
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/api/v1/enrol"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        String credential = read(expect(response, 201, "enrolment"), Enrolment.Enrolled.class)
                .credential();
        if (credential == null || credential.isEmpty()) {
            throw new IOException("enrolment answer has no credential");
        }
        return credential;
    }

    Polled desired(UpdateStore.Credential credential, String etag) throws IOException {
        HttpRequest.Builder request =
                authorized(uri("/api/v1/devices/" + credential.deviceId() + "/desired"), credential);
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> response = send(request.GET());
        if (response.statusCode() == 304) {
            return new Polled(Optional.empty(), etag);
        }
        DesiredState desired = read(expect(response, 200, "desired state"), DesiredState.class);
        return new Polled(
                Optional.of(desired), response.headers().firstValue("ETag").orElse(null));
    }

    byte[] bundleDocument(UpdateStore.Credential credential, String digest, String document) throws IOException {
        HttpResponse<byte[]> response = send(authorized(uri("/api/v1/bundles/" + digest + "/" + document), credential)
                .GET());
        return expect(response, 200, "bundle " + document);
    }

    /**
     * Fetches a blob into {@code part}, resuming from the bytes already there. Returns once the server has sent the
     * whole blob; a blob longer or shorter than the manifest says is refused.
     */
    void download(UpdateStore.Credential credential, ManifestFile file, Path part) throws IOException, BundleException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > file.size()) {
            Files.delete(part);
            have = 0;
        }
        HttpRequest.Builder request = authorized(uri("/api/v1/blobs/" + file.sha256()), credential);
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416) {
                Files.deleteIfExists(part);
                throw new IOException("blob " + file.sha256() + ": range refused; starting over");
            }
            if (status != 200 && status != 206) {
                throw new ControlException(status, "blob " + file.sha256() + ": HTTP " + status);
            }
            boolean append = status == 206;
            long offset = append ? have : 0;
            try (OutputStream out = Files.newOutputStream(
                    part,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    offset += n;
                    if (offset > file.size()) {
                        Files.deleteIfExists(part);
                        throw new BundleException(
                                Refusal.SIZE_MISMATCH,
                                "'" + file.path() + "' is longer than the manifest's " + file.size() + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (offset < file.size()) {
                Files.deleteIfExists(part);
                throw new BundleException(
                        Refusal.SIZE_MISMATCH,
                        "'" + file.path() + "' is " + offset + " bytes, the manifest says " + file.size());
            }
        }
    }

    /**
     * Fetches the delta that rebuilds blob {@code target} from blob {@code base} into {@code into}; false when the
     * control plane has none (404) or it is longer than {@code limit}, when the whole file costs less.
     */
    boolean delta(UpdateStore.Credential credential, String base, String target, long limit, Path into)
            throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(
                    authorized(uri("/api/v1/deltas/" + base + "/" + target), credential)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body();
                OutputStream out = Files.newOutputStream(into)) {
            if (response.statusCode() == 404) {
                return false;
            }
            if (response.statusCode() != 200) {
                throw new ControlException(
                        response.statusCode(), "delta to " + target + ": HTTP " + response.statusCode());
            }
            return !Sha256.copy(body, out, limit).overLimit();
        }
    }

    /** The signed key list the control plane serves; empty when it serves none (404). */
    Optional<byte[]> keyList(UpdateStore.Credential credential) throws IOException {
        HttpResponse<byte[]> response =
                send(authorized(uri("/api/v1/trust/key-list"), credential).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(expect(response, 200, "key list"));
    }

    /** Sends one report; true when the control plane applied it, false when it had already seen its seq. */
    boolean feedback(UpdateStore.Credential credential, String body) throws IOException {
        HttpResponse<byte[]> response =
                send(authorized(uri("/api/v1/devices/" + credential.deviceId() + "/feedback"), credential)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
        return read(expect(response, 200, "feedback"), Accepted.class).accepted();
    }

    /** Tells the control plane the node takes part in federated rounds with {@code examples} labelled examples. */
    void federatedOptIn(UpdateStore.Credential credential, long examples) throws IOException {
        byte[] body = ProtocolJson.write(new FederatedOptIn(examples));
        HttpResponse<byte[]> response =
                send(authorized(uri("/api/v1/devices/" + credential.deviceId() + "/federated"), credential)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        expect(response, 200, "federated opt-in");
    }

    /**
     * Uploads a federated update; returns once the control plane took it.
     *
     * @throws ControlException with status 400 and the refusal when the round refused it
     */
    void federatedUpdate(UpdateStore.Credential credential, byte[] update) throws IOException {
        HttpResponse<byte[]> response =
                send(authorized(uri("/api/v1/devices/" + credential.deviceId() + "/updates"), credential)
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(update)));
        expect(response, 200, "federated update");
    }

    /** Sends one telemetry batch; returns once the control plane stored it (or had it already). */
    void telemetry(UpdateStore.Credential credential, byte[] batch) throws IOException {
        HttpResponse<byte[]> response =
                send(authorized(uri("/api/v1/devices/" + credential.deviceId() + "/telemetry"), credential)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(batch)));
        expect(response, 200, "telemetry");
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private static HttpRequest.Builder authorized(URI uri, UpdateStore.Credential credential) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + credential.secret());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static byte[] expect(HttpResponse<byte[]> response, int status, String what) throws ControlException {
        if (response.statusCode() != status) {
            String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new ControlException(
                    response.statusCode(), what + ": HTTP " + response.statusCode() + " " + body.strip());
        }
        return response.body();
    }

    /** An answer of the control plane; one that is not the message expected is a failed exchange, tried again. */
    private static <T> T read(byte[] body, Class<T> type) throws IOException {
        try {
            return ProtocolJson.read(body, type);
        } catch (IllegalArgumentException e) {
            throw new IOException(
                    "the control plane's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}
