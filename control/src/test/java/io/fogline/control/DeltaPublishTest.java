package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.Sha256;
import io.fogline.bundle.delta.FileDelta;
import io.fogline.bundle.delta.OnnxBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaPublishTest extends OnBothDatabases {

    @TempDir
    Path work;

    @Test
    void aVersionWhoseLastLayerAloneChangedShipsAsADeltaThatRebuildsItFromTheVersionBefore() throws Exception {
        byte[] first = model(1, 1);
        byte[] fineTuned = model(1, 2);
        publish(1, first);
        publish(2, fineTuned);
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());

        Http.Answer answer = device.http.get("/api/v1/deltas/" + Sha256.of(first) + "/" + Sha256.of(fineTuned));

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().length).isLessThan(fineTuned.length / 10);
        Path base = Files.write(work.resolve("base"), first);
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        FileDelta.apply(base, Sha256.of(first), new ByteArrayInputStream(answer.body()), Sha256.of(fineTuned), rebuilt);
        assertThat(rebuilt.toByteArray()).isEqualTo(fineTuned);
    }

    @Test
    void aRetrainedVersionHasNoDeltaAndTravelsWhole() throws Exception {
        byte[] first = model(1, 1);
        byte[] retrained = model(2, 2);
        publish(1, first);
        publish(2, retrained);
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());

        Http.Answer answer = device.http.get("/api/v1/deltas/" + Sha256.of(first) + "/" + Sha256.of(retrained));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().path("error").asText())
                .isEqualTo("no delta from " + Sha256.of(first) + " to " + Sha256.of(retrained));
        assertThat(harness.column("SELECT COUNT(*) FROM deltas")).containsExactly("0");
    }

    @Test
    void onlyAnEnrolledCallerFetchesADelta() throws Exception {
        byte[] first = model(1, 1);
        byte[] fineTuned = model(1, 2);
        publish(1, first);
        publish(2, fineTuned);

        assertThat(harness.anonymous()
                        .get("/api/v1/deltas/" + Sha256.of(first) + "/" + Sha256.of(fineTuned))
                        .status())
                .isEqualTo(401);
    }

    private void publish(int version, byte[] modelFile) throws Exception {
        Path bundle = harness.pack("fashion", version, Files.createTempDirectory(work, "bundle"), modelFile);
        Http.Answer answer = harness.operator().postBytes("/api/v1/bundles", Files.readAllBytes(bundle));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
    }

    /** A two-layer model: the hidden layer's weights from {@code hiddenSeed}, the output layer's from {@code outputSeed}. */
    private static byte[] model(long hiddenSeed, long outputSeed) {
        Random hidden = new Random(hiddenSeed);
        Random output = new Random(outputSeed * 1_000_003);
        return OnnxBytes.model(List.of(
                new OnnxBytes.Tensor("dense0.weight", bytes(hidden, 784 * 32 * 4)),
                new OnnxBytes.Tensor("dense0.bias", bytes(hidden, 32 * 4)),
                new OnnxBytes.Tensor("dense1.weight", bytes(output, 32 * 10 * 4)),
                new OnnxBytes.Tensor("dense1.bias", bytes(output, 10 * 4))));
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
