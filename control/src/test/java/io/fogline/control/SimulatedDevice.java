package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleVerifier;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.TrustStore;
import io.fogline.control.fleet.Secrets;
import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateEncoding;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A device as docs/protocol.md has it, over real HTTP: it polls its desired state with its ETag, fetches and verifies
 * bundles (only the files it lacks), and reports each step of an update with a growing {@code seq}. Tests choose how
 * each update ends.
 */
public final class SimulatedDevice {

    public final String id;
    public final String credential;
    public Http http;
    private final BundleVerifier verifier;
    private final Set<String> held = new HashSet<>();
    private String etag;
    private long seq;

    public SimulatedDevice(String id, String credential, Http http, TrustStore trust) {
        this.id = id;
        this.credential = credential;
        this.http = http;
        this.verifier = new BundleVerifier(trust);
    }

    /** Takes part in federated rounds, saying it holds {@code examples} examples. */
    public void optIn(long examples) {
        Http.Answer answer = http.put("/api/v1/devices/" + id + "/federated", Map.of("examples", examples));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    }

    /** Uploads an FP32 update of {@code delta} for a round, with a local loss of 0.5 and accuracy of 0.75. */
    public Http.Answer federatedUpdate(String job, int round, long examples, float[] delta) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", 0.5);
        metrics.put("accuracy", 0.75);
        return http.postBytes(
                "/api/v1/devices/" + id + "/updates",
                UpdateCodec.encode(new ModelUpdate(job, round, examples, metrics, delta), UpdateEncoding.fp32()));
    }

    /** From now on reaches the control plane replica at {@code port}, as a device behind a load balancer may. */
    public void reach(int port) {
        http = new Http(port, credential);
    }

    /** Fetches a bundle as a node does: manifest and signature, verified, then only the files it does not hold. */
    public int download(String bundle) {
        byte[] manifest = http.get("/api/v1/bundles/" + bundle + "/manifest").body();
        byte[] signature = http.get("/api/v1/bundles/" + bundle + "/signature").body();
        int fetched = 0;
        try {
            for (ManifestFile file :
                    verifier.verify(manifest, signature).manifest().files()) {
                if (held.add(file.sha256())) {
                    byte[] bytes = http.get("/api/v1/blobs/" + file.sha256()).body();
                    assertThat(Secrets.sha256Hex(bytes)).as(file.path()).isEqualTo(file.sha256());
                    fetched++;
                }
            }
        } catch (BundleException e) {
            throw new AssertionError("bundle " + bundle + " refused: " + e.getMessage(), e);
        }
        return fetched;
    }

    /** Polls; returns the desired state, or null when it is unchanged since the last poll (304). */
    public JsonNode poll() {
        Http.Answer answer =
                http.get("/api/v1/devices/" + id + "/desired", etag == null ? Map.of() : Map.of("If-None-Match", etag));
        if (answer.status() == 304) {
            return null;
        }
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        etag = answer.header("ETag");
        return answer.json();
    }

    /** The entry of the desired state for {@code model}, polling afresh. */
    public JsonNode desired(String model) {
        Http.Answer answer = http.get("/api/v1/devices/" + id + "/desired");
        for (JsonNode entry : answer.json().path("models")) {
            if (entry.path("model").asText().equals(model)) {
                return entry;
            }
        }
        return null;
    }

    public Http.Answer report(Map<String, Object> body) {
        Map<String, Object> withSeq = new LinkedHashMap<>(body);
        withSeq.put("seq", ++seq);
        return http.post("/api/v1/devices/" + id + "/feedback", withSeq);
    }

    /** Works through the desired entry of {@code model}: every step, then switched with {@code quality}. */
    public void switchTo(JsonNode desired, Map<String, Object> quality) {
        download(desired.path("bundle").asText());
        for (String step : List.of("downloading", "verifying", "unpacking", "loading", "testing")) {
            report(step(desired, step));
        }
        Map<String, Object> switched = step(desired, "switched");
        switched.put("quality", quality);
        switched.put(
                "running",
                List.of(Map.of(
                        "model",
                        desired.path("model").asText(),
                        "version",
                        desired.path("version").asInt())));
        assertThat(report(switched).json().path("accepted").asBoolean()).isTrue();
    }

    /** Works through the desired entry up to its golden test, which fails: the device keeps what it ran. */
    public void failGolden(JsonNode desired) {
        report(step(desired, "downloading"));
        download(desired.path("bundle").asText());
        Map<String, Object> failed = step(desired, "failed");
        failed.put("reason", "golden test failed: output 0 off by 0.4");
        failed.put("quality", Map.of("golden_passed", false));
        assertThat(report(failed).json().path("accepted").asBoolean()).isTrue();
    }

    private static Map<String, Object> step(JsonNode desired, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action_id", desired.path("action_id").asLong());
        body.put("model", desired.path("model").asText());
        body.put("version", desired.path("version").asInt());
        body.put("status", status);
        return body;
    }

    public static Map<String, Object> goodQuality() {
        return Map.of("golden_passed", true, "p95_ms", 3.1, "error_rate", 0.0, "escalation_rate", 0.1);
    }
}
