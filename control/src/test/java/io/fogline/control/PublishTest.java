package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishTest extends OnBothDatabases {

    @TempDir
    Path work;

    private Http.Answer upload(Path bundle) throws IOException {
        return harness.operator().postBytes("/api/v1/bundles", Files.readAllBytes(bundle));
    }

    @Test
    void aSignedBundleIsPublishedOnceUnderItsDigest() throws IOException {
        Path bundle = harness.pack("fashion", 3, work);
        Http.Answer first = upload(bundle);
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        String digest = first.json().path("bundle").asText();
        assertThat(digest).matches("[0-9a-f]{64}");
        assertThat(first.json().path("created").asBoolean()).isTrue();

        Http.Answer again = upload(bundle);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("bundle").asText()).isEqualTo(digest);
        assertThat(again.json().path("created").asBoolean()).isFalse();

        JsonNode models = harness.operator().get("/api/v1/models").json();
        assertThat(models).singleElement().satisfies(model -> {
            assertThat(model.path("model").asText()).isEqualTo("fashion");
            assertThat(model.path("versions")).singleElement().satisfies(version -> {
                assertThat(version.path("version").asInt()).isEqualTo(3);
                assertThat(version.path("bundle").asText()).isEqualTo(digest);
                assertThat(version.path("key_id").asText())
                        .isEqualTo(harness.signingKey().keyId());
            });
        });
        assertThat(harness.column("SELECT COUNT(*) FROM bundles")).containsExactly("1");
    }

    @Test
    void anotherBundleOfAPublishedVersionIsAConflict() throws IOException {
        String digest = harness.publish("fashion", 3);
        Http.Answer other = upload(harness.pack("fashion", 3, work.resolve("other"), "different weights"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.error()).isEqualTo("model 'fashion' version 3 is already published as bundle " + digest);
    }

    @Test
    void aBundleSignedByAnUnknownKeyIsRefusedWithItsReason() throws IOException {
        SigningKey stranger = SigningKey.generate();
        Http.Answer refused = upload(harness.pack("fashion", 3, work, stranger));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("refusal").asText()).isEqualTo("unknown_key");
        assertThat(refused.error()).contains("signature by unknown key '" + stranger.keyId() + "'");
        assertThat(harness.operator().get("/api/v1/models").json()).isEmpty();
    }

    @Test
    void aBundleWithAFlippedByteIsRefusedAndNothingIsStored() throws IOException {
        Path bundle = harness.pack("fashion", 3, work);
        byte[] bytes = Files.readAllBytes(bundle);
        int weights = indexOf(bytes, "fogline test weights".getBytes());
        bytes[weights] ^= 1;
        Http.Answer refused = harness.operator().postBytes("/api/v1/bundles", bytes);
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().path("refusal").asText()).isEqualTo("digest_mismatch");
        assertThat(harness.column("SELECT COUNT(*) FROM bundles")).containsExactly("0");
    }

    @Test
    void aDeviceDownloadsTheExactManifestSignatureAndFilesAndResumesWithRanges() throws IOException {
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());
        Path bundle = harness.pack("fashion", 3, work);
        String digest = upload(bundle).json().path("bundle").asText();
        Map<String, byte[]> entries = harness.entries(bundle);

        Http.Answer manifest = device.http.get("/api/v1/bundles/" + digest + "/manifest");
        assertThat(manifest.body()).isEqualTo(entries.get("manifest.json"));
        assertThat(device.http.get("/api/v1/bundles/" + digest + "/signature").body())
                .isEqualTo(entries.get("signature.json"));

        JsonNode model = manifest.json()
                .path("files")
                .valueStream()
                .filter(file -> file.path("path").asText().equals("model.onnx"))
                .findFirst()
                .orElseThrow();
        String sha256 = model.path("sha256").asText();
        byte[] whole = entries.get("model.onnx");
        Http.Answer full = device.http.get("/api/v1/blobs/" + sha256);
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(full.body()).isEqualTo(whole);

        Http.Answer rest = device.http.get("/api/v1/blobs/" + sha256, Map.of("Range", "bytes=1000-"));
        assertThat(rest.status()).isEqualTo(206);
        assertThat(rest.header("Content-Range")).isEqualTo("bytes 1000-" + (whole.length - 1) + "/" + whole.length);
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(whole, 1000, whole.length));

        Http.Answer middle = device.http.get("/api/v1/blobs/" + sha256, Map.of("Range", "bytes=10-19"));
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(whole, 10, 20));

        Http.Answer past = device.http.get("/api/v1/blobs/" + sha256, Map.of("Range", "bytes=" + whole.length + "-"));
        assertThat(past.status()).isEqualTo(416);
        assertThat(past.header("Content-Range")).isEqualTo("bytes */" + whole.length);
        assertThat(past.error())
                .isEqualTo("range 'bytes=" + whole.length + "-' is not one satisfiable bytes=N- or bytes=N-M of "
                        + whole.length);
        assertThat(device.http
                        .get("/api/v1/blobs/" + sha256, Map.of("Range", "bytes=0-1,5-6"))
                        .status())
                .isEqualTo(416);

        assertThat(device.http.get("/api/v1/blobs/" + "0".repeat(64)).status()).isEqualTo(404);
        assertThat(device.http
                        .get("/api/v1/bundles/" + "0".repeat(64) + "/manifest")
                        .status())
                .isEqualTo(404);
        assertThat(harness.anonymous().get("/api/v1/blobs/" + sha256).status()).isEqualTo(401);
    }

    @Test
    void aDeviceFetchesOnlyTheFilesItDoesNotHold() {
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());
        String three = harness.publish("fashion", 3);
        String four = harness.publish("fashion", 4);
        assertThat(device.download(three)).as("all five files").isEqualTo(5);
        assertThat(device.download(four)).as("only the weights differ").isEqualTo(1);
    }

    @Test
    void anUploadOverTheLimitIsRefused() {
        Http.Answer refused =
                harness.operator().postBytes("/api/v1/bundles", new byte[ControlHarness.MAX_BUNDLE_BYTES + 20_000]);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.error())
                .isEqualTo("request body is over the limit of " + ControlHarness.MAX_BUNDLE_BYTES + " bytes");
    }

    @Test
    void aPublishThatFailsHalfwayLeavesNothingPublishedAndCanBeRetried() throws IOException {
        Path bundle = harness.pack("fashion", 3, work);
        String weights = io.fogline.control.fleet.Secrets.sha256Hex(
                harness.entries(bundle).get("model.onnx"));
        Path blocker = harness.dataDir().resolve("blobs").resolve(weights.substring(0, 2));
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "a file where the blob store wants a directory");
        Http.Answer failed = upload(bundle);
        assertThat(failed.status()).isEqualTo(500);
        assertThat(harness.operator().get("/api/v1/models").json()).isEmpty();

        Files.delete(blocker);
        Http.Answer retried = upload(bundle);
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(harness.operator().get("/api/v1/models/fashion").json()).hasSize(1);
    }

    @Test
    void onlyTheOperatorPublishes() throws IOException {
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());
        Http.Answer refused =
                device.http.postBytes("/api/v1/bundles", Files.readAllBytes(harness.pack("fashion", 3, work)));
        assertThat(refused.status()).isEqualTo(403);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
