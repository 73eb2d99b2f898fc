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

    private static final byte[] FIRST = model(1, 1);
    private static final byte[] FINE_TUNED = model(1, 2);
    private static final byte[] RETRAINED = model(2, 2);

    @Test
    void aVersionWhoseLastLayerAloneChangedShipsAsADeltaThatRebuildsItFromTheVersionBefore() throws Exception {
        Http.Answer answer = afterVersionOneAnd(FINE_TUNED, harness.enrol("cam-1", "cameras", Map.of()).http);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().length).isLessThan(FINE_TUNED.length / 10);
        Path base = Files.write(work.resolve("base"), FIRST);
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        FileDelta.apply(
                base, Sha256.of(FIRST), new ByteArrayInputStream(answer.body()), Sha256.of(FINE_TUNED), rebuilt);
        assertThat(rebuilt.toByteArray()).isEqualTo(FINE_TUNED);
    }

    @Test
    void aRetrainedVersionHasNoDeltaAndTravelsWhole() throws Exception {
        Http.Answer answer = afterVersionOneAnd(RETRAINED, harness.enrol("cam-1", "cameras", Map.of()).http);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().path("error").asText())
                .isEqualTo("no delta from " + Sha256.of(FIRST) + " to " + Sha256.of(RETRAINED));
        assertThat(harness.column("SELECT COUNT(*) FROM deltas")).containsExactly("0");
    }

    @Test
    void onlyAnEnrolledCallerFetchesADelta() throws Exception {
        assertThat(afterVersionOneAnd(FINE_TUNED, harness.anonymous()).status()).isEqualTo(401);
    }

    /** Publishes version 1 and then version 2 of {@code second}; asks for the delta from one to the other. */
    private Http.Answer afterVersionOneAnd(byte[] second, Http caller) throws Exception {
        publish(1, FIRST);
        publish(2, second);
        return caller.get("/api/v1/deltas/" + Sha256.of(FIRST) + "/" + Sha256.of(second));
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
