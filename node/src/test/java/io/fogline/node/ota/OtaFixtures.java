package io.fogline.node.ota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.bundle.content.Tolerance;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.NodeClient;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.ZipFile;

/** Real bundles of a small real ONNX model (a perceptron), signed by a test key that a trust store file trusts. */
final class OtaFixtures {

    static final String MODEL = "fashion";
    static final int INPUTS = 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final SigningKey key = SigningKey.generate();
    final Path trustFile;

    OtaFixtures(Path dir) throws IOException {
        this.dir = dir;
        this.trustFile = dir.resolve("trusted-keys.json");
        TrustStore.of(key.trusted()).save(trustFile);
    }

    /** A bundle of a perceptron whose weights come from {@code seed}; its golden outputs come from running it. */
    Path bundle(long version, long seed) throws Exception {
        return bundle(version, seed, key, null);
    }

    /** As {@link #bundle(long, long)}, signed by {@code signer}, with a ready golden.json when one is given. */
    Path bundle(long version, long seed, SigningKey signer, Path golden) throws Exception {
        return bundle(version, seed, signer, golden, "");
    }

    /** As {@link #bundle(long, long)}, with more fields ({@code "routing": {...}}) in its config.json. */
    Path bundle(long version, long seed, String moreConfig) throws Exception {
        return bundle(version, seed, key, null, ", " + moreConfig);
    }

    /** A bundle of the perceptron of {@code seed} whose output layer alone is another: a fine-tuned last layer. */
    Path fineTuned(long version, long seed, long outputSeed) throws Exception {
        return bundle(version, seed, outputSeed, key, null, "");
    }

    private Path bundle(long version, long seed, SigningKey signer, Path golden, String moreConfig) throws Exception {
        return bundle(version, seed, seed, signer, golden, moreConfig);
    }

    private Path bundle(long version, long seed, long outputSeed, SigningKey signer, Path golden, String moreConfig)
            throws Exception {
        Path model = Files.createDirectories(dir.resolve("model-" + version + "-" + seed + "-" + outputSeed + "-"
                + signer.keyId().substring(8)));
        TinyModels.mlp(model.resolve("model.onnx"), INPUTS, 4096, 3, seed, outputSeed);
        Files.writeString(
                model.resolve("config.json"),
                "{\"max_batch_size\": 4, \"labels_file\": \"labels.txt\"" + moreConfig + "}");
        Files.writeString(model.resolve("labels.txt"), "shirt\nshoe\nbag\n");
        Path out = model.resolveSibling(model.getFileName() + ".fbundle");
        BundlePacker.Golden source = golden != null
                ? new BundlePacker.Golden.Given(golden)
                : new BundlePacker.Golden.Inputs(inputs(), Tolerance.DEFAULT);
        BundlePacker.pack(model, MODEL, version, source, Optional.of(signer), out);
        return out;
    }

    static List<InferenceRequest> inputs() {
        Random random = new Random(42);
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] values = new float[INPUTS];
            for (int j = 0; j < INPUTS; j++) {
                values[j] = random.nextFloat();
            }
            requests.add(InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, INPUTS}, values)));
        }
        return requests;
    }

    /** Writes a bundle's golden.json to a file, e.g. to pack another model with outputs it will not give. */
    Path goldenOf(Path bundle) throws IOException {
        Path file = Files.createTempFile(dir, "golden", ".json");
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            Files.write(file, zip.getInputStream(zip.getEntry("golden.json")).readAllBytes());
        }
        return file;
    }

    static byte[] entry(Path bundle, String name) throws IOException {
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            return zip.getInputStream(zip.getEntry(name)).readAllBytes();
        }
    }

    /** The versions of {@link #MODEL} the node at {@code client} serves, by its repository index. */
    static List<Long> servedVersions(NodeClient client) throws IOException {
        NodeClient.Reply reply = client.post("/v2/repository/index", "{}");
        assertThat(reply.status()).isEqualTo(200);
        List<Long> versions = new ArrayList<>();
        for (JsonNode model : JSON.readTree(reply.body())) {
            if (model.path("name").asText().equals(MODEL)
                    && model.path("state").asText().equals("READY")) {
                versions.add(model.path("version").asLong());
            }
        }
        return versions;
    }

    /** Checks that the node answers every golden input of {@code bundle} as the bundle expects, over HTTP. */
    static void assertServes(NodeClient client, Path bundle) throws IOException {
        GoldenSet golden = GoldenSet.parse(entry(bundle, "golden.json"));
        for (var goldenCase : golden.cases()) {
            assertThat(goldenCase.mismatch(infer(client, goldenCase.request()), golden.tolerance()))
                    .isEmpty();
        }
    }

    /**
     * Checks that each answer is the one of the given bundles expects: a node switching while it is asked serves
     * one tested version or the other, never anything else.
     */
    static void assertServesOneOf(NodeClient client, Path first, Path second) throws IOException {
        GoldenSet a = GoldenSet.parse(entry(first, "golden.json"));
        GoldenSet b = GoldenSet.parse(entry(second, "golden.json"));
        for (int i = 0; i < a.cases().size(); i++) {
            InferenceResponse response = infer(client, a.cases().get(i).request());
            assertThat(a.cases().get(i).mismatch(response, a.tolerance()).isEmpty()
                            || b.cases()
                                    .get(i)
                                    .mismatch(response, b.tolerance())
                                    .isEmpty())
                    .as("answer %d matches version 1 or version 2", i)
                    .isTrue();
        }
    }

    private static InferenceResponse infer(NodeClient client, InferenceRequest request) {
        byte[] body = InferenceCodec.encodeRequest(request, false).body();
        NodeClient.Reply reply = client.post("/v2/models/" + MODEL + "/infer", body, -1);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return InferenceCodec.decodeResponse(reply.body(), reply.body().length, -1);
    }
}
