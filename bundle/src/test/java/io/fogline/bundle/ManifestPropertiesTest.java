package io.fogline.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ManifestPropertiesTest {

    @Property(tries = 300)
    void parsingCanonicalBytesGivesTheSameManifestAndTheSameBytes(@ForAll("manifests") Manifest manifest)
            throws BundleException {
        byte[] bytes = manifest.toCanonicalBytes();

        Manifest parsed = Manifest.parse(bytes);

        assertThat(parsed).isEqualTo(manifest);
        assertThat(parsed.toCanonicalBytes()).isEqualTo(bytes);
        assertThat(parsed.digest()).isEqualTo(Sha256.of(bytes));
    }

    @Property(tries = 200)
    void canonicalBytesDoNotDependOnTheOrderKeysWereWritten(@ForAll("manifests") Manifest manifest, @ForAll long seed)
            throws Exception {
        JsonNode tree = KeyFiles.JSON.readTree(manifest.toCanonicalBytes());

        JsonNode shuffled = shuffle(tree, new Random(seed));

        assertThat(CanonicalJson.write(shuffled)).isEqualTo(manifest.toCanonicalBytes());
    }

    @Property(tries = 200)
    void anyOtherSpellingOfTheSameManifestIsRefused(@ForAll("manifests") Manifest manifest) throws Exception {
        byte[] spaced = KeyFiles.JSON
                .writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(KeyFiles.JSON.readTree(manifest.toCanonicalBytes()));

        assertThatThrownBy(() -> Manifest.parse(spaced))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.NON_CANONICAL_MANIFEST));
    }

    @Provide
    Arbitrary<Manifest> manifests() {
        Arbitrary<String> segment = Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789._-éü漢")
                .ofMinLength(1)
                .ofMaxLength(12)
                .filter(s -> !s.equals(".") && !s.equals(".."));
        Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts));
        Arbitrary<ManifestFile> file = Combinators.combine(
                        path,
                        Arbitraries.strings().withChars("0123456789abcdef").ofLength(64),
                        Arbitraries.longs().between(0, 1L << 40))
                .as(ManifestFile::new);
        Arbitrary<List<ManifestFile>> files = file.list()
                .ofMinSize(0)
                .ofMaxSize(6)
                .uniqueElements(ManifestFile::path)
                .filter(ManifestPropertiesTest::noFileIsAlsoADirectory);
        return Combinators.combine(
                        Arbitraries.strings()
                                .withChars("abcXYZ019._-")
                                .ofMinLength(1)
                                .ofMaxLength(20)
                                .filter(s -> Character.isLetterOrDigit(s.charAt(0))),
                        Arbitraries.longs().between(1, Long.MAX_VALUE),
                        Arbitraries.longs().between(0, 4_102_444_800L).map(Instant::ofEpochSecond),
                        files)
                .as((model, version, created, listed) -> {
                    List<ManifestFile> all = new ArrayList<>(listed);
                    all.add(new ManifestFile("golden.json", "0".repeat(64), 2));
                    all.add(new ManifestFile("reference-stats.json", "f".repeat(64), 2));
                    return new Manifest(
                            Manifest.FORMAT, model, version, created, all, "golden.json", "reference-stats.json");
                })
                .filter(m ->
                        m.files().stream().map(ManifestFile::path).distinct().count()
                                == m.files().size())
                .filter(m -> noFileIsAlsoADirectory(m.files()));
    }

    private static boolean noFileIsAlsoADirectory(List<ManifestFile> files) {
        return files.stream()
                .noneMatch(a -> files.stream().anyMatch(b -> b.path().startsWith(a.path() + "/")));
    }

    private static JsonNode shuffle(JsonNode node, Random random) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            Collections.shuffle(fields, random);
            ObjectNode copy = KeyFiles.JSON.createObjectNode();
            fields.forEach(f -> copy.set(f.getKey(), shuffle(f.getValue(), random)));
            return copy;
        }
        if (node.isArray()) {
            var copy = KeyFiles.JSON.createArrayNode();
            node.forEach(element -> copy.add(shuffle(element, random)));
            return copy;
        }
        return node;
    }
}
