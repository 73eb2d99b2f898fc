package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.KeyList;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyListServingTest extends OnBothDatabases {

    private static final String PATH = "/api/v1/trust/key-list";

    @TempDir
    Path work;

    private final SigningKey root = SigningKey.generate();
    private final SigningKey rotated = SigningKey.generate();

    @BeforeEach
    void trustARoot() throws Exception {
        Path file = harness.dataDir().resolve("trust-store.json");
        TrustStore.load(file).withRoot(root.trusted()).save(file);
    }

    @Test
    void theNewestListARootSignedIsServedToDevicesAndItsKeysSignBundlesThatArePublished() throws Exception {
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());
        assertThat(device.http.get(PATH).status()).isEqualTo(404);
        byte[] list = list(1, rotated).sign(root);

        Http.Answer uploaded = harness.operator().putBytes(PATH, list);

        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
        assertThat(uploaded.json().path("sequence").asLong()).isEqualTo(1);
        Http.Answer served = device.http.get(PATH);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(list);
        Path bundle = ControlHarness.pack("fashion", 3, work, rotated, "", "{\"inputs\":{},\"outputs\":{}}");
        assertThat(harness.operator()
                        .postBytes("/api/v1/bundles", Files.readAllBytes(bundle))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aListNoRootSignedIsRefusedWithItsReason() {
        Http.Answer answer = harness.operator().putBytes(PATH, list(1, rotated).sign(rotated));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText())
                .startsWith("unknown_key: key list signed by '" + rotated.keyId() + "', which is not a root key");
        assertThat(harness.operator().get(PATH).status()).isEqualTo(404);
    }

    @Test
    void aListNotNewerThanTheLastIsAConflict() {
        assertThat(harness.operator()
                        .putBytes(PATH, list(2, rotated).sign(root))
                        .status())
                .isEqualTo(201);

        Http.Answer older = harness.operator().putBytes(PATH, list(1, rotated).sign(root));

        assertThat(older.status()).isEqualTo(409);
        assertThat(older.json().path("error").asText()).isEqualTo("key list 1 is not newer than key list 2");
    }

    @Test
    void onlyTheOperatorUploadsAList() {
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());

        assertThat(device.http.putBytes(PATH, list(1, rotated).sign(root)).status())
                .isEqualTo(403);
    }

    private static KeyList list(long sequence, SigningKey key) {
        return new KeyList(sequence, Instant.parse("2026-12-06T12:00:00Z"), List.of(key.trusted()), List.of());
    }
}
