package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.bundle.KeyList;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.TrustedKey;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.runtime.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCommandTest {

    private static final String INPUTS = "[{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
            + "\"data\":[0.1,0.2,0.3,0.4]}]},{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
            + "\"data\":[1,0,1,0]}]}]";

    @TempDir
    Path dir;

    private Path model;
    private Path key;
    private Path trust;

    @BeforeEach
    void modelAndKey() throws Exception {
        model = Files.createDirectories(dir.resolve("fashion"));
        TinyModels.mlp(model.resolve("model.onnx"), 4, 8, 3, 7);
        Files.writeString(model.resolve("labels.txt"), "shirt\nshoe\nbag\n");
        Files.writeString(dir.resolve("inputs.json"), INPUTS);
        key = dir.resolve("signing-key.json");
        trust = dir.resolve("trusted-keys.json");
        CommandRun keygen =
                CommandRun.of("bundle", "keygen", "--out", key.toString(), "--trusted-keys", trust.toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
    }

    private String keyId() {
        Matcher id = Pattern.compile("ed25519:[0-9a-f]{16}")
                .matcher(CommandRun.of("bundle", "trust", "--trusted-keys", trust.toString())
                        .out());
        assertThat(id.find()).isTrue();
        return id.group();
    }

    private Path pack(String... extra) {
        Path out = dir.resolve("fashion-2.fbundle");
        String[] base = {
            "bundle",
            "pack",
            model.toString(),
            "--model",
            "fashion",
            "--version",
            "2",
            "--golden-inputs",
            dir.resolve("inputs.json").toString(),
            "--out",
            out.toString()
        };
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        CommandRun pack = CommandRun.of(args);
        assertThat(pack.exitCode()).as(pack.err()).isZero();
        return out;
    }

    @Test
    void packsWithGoldenOutputsFromTheModelItselfAndVerifies() throws Exception {
        Path bundle = pack("--key", key.toString());

        CommandRun verify = CommandRun.of("bundle", "verify", bundle.toString(), "--trusted-keys", trust.toString());
        CommandRun inspect = CommandRun.of("bundle", "inspect", bundle.toString());

        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out())
                .startsWith("verified fashion version 2, digest ")
                .contains("signed by " + keyId());
        assertThat(inspect.out())
                .contains("model     fashion", "version   2", "signed by " + keyId())
                .contains("golden.json", "labels.txt", "model.onnx", "reference-stats.json");
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            GoldenSet golden = GoldenSet.parse(
                    zip.getInputStream(zip.getEntry("golden.json")).readAllBytes());
            assertThat(golden.cases()).hasSize(2);
            float[] probabilities =
                    golden.cases().get(0).expected().output("probabilities").toFloats();
            assertThat(probabilities[0] + probabilities[1] + probabilities[2])
                    .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
            var stats = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("reference-stats.json")));
            assertThat(stats.path("inputs").path("input").path("count").asLong())
                    .isEqualTo(8);
            assertThat(stats.path("outputs")
                            .path("probabilities")
                            .path("histogram")
                            .path("counts"))
                    .isNotEmpty();
        }
    }

    @Test
    void anUnsignedBundleIsRefusedUntilItIsSigned() {
        Path bundle = pack();

        CommandRun unsigned = CommandRun.of("bundle", "verify", bundle.toString(), "--trusted-keys", trust.toString());
        CommandRun sign = CommandRun.of("bundle", "sign", bundle.toString(), "--key", key.toString());
        CommandRun signed = CommandRun.of("bundle", "verify", bundle.toString(), "--trusted-keys", trust.toString());

        assertThat(unsigned.exitCode()).isEqualTo(BundleCommand.REFUSED);
        assertThat(unsigned.err())
                .isEqualTo("fogline: refused: missing_signature: fashion-2.fbundle has no signature.json: sign it first"
                        + System.lineSeparator());
        assertThat(sign.exitCode()).as(sign.err()).isZero();
        assertThat(signed.exitCode()).as(signed.err()).isZero();
    }

    @Test
    void aKeyRetiredBeforeNowIsRefusedAndAnUnknownKeyIsNamed() {
        Path bundle = pack("--key", key.toString());
        Path otherTrust = dir.resolve("other-trust.json");
        CommandRun.of(
                "bundle",
                "keygen",
                "--out",
                dir.resolve("other-key.json").toString(),
                "--trusted-keys",
                otherTrust.toString());

        CommandRun retire = CommandRun.of(
                "bundle",
                "trust",
                "--trusted-keys",
                trust.toString(),
                "--retire",
                keyId(),
                "--after",
                "2020-01-01T00:00:00Z");
        CommandRun retired = CommandRun.of("bundle", "verify", bundle.toString(), "--trusted-keys", trust.toString());
        CommandRun unknown =
                CommandRun.of("bundle", "verify", bundle.toString(), "--trusted-keys", otherTrust.toString());

        assertThat(retire.exitCode()).as(retire.err()).isZero();
        assertThat(retired.exitCode()).isEqualTo(BundleCommand.REFUSED);
        assertThat(retired.err())
                .contains(
                        "refused: retired_key: signature by key '" + keyId() + "', retired after 2020-01-01T00:00:00Z");
        assertThat(unknown.err()).contains("refused: unknown_key: signature by unknown key '" + keyId() + "'");
    }

    @Test
    void packingRefusesAGoldenFileAndInputsTogether() {
        CommandRun pack = CommandRun.of(
                "bundle",
                "pack",
                model.toString(),
                "--model",
                "fashion",
                "--version",
                "2",
                "--golden-inputs",
                "a.json",
                "--golden",
                "b.json",
                "--out",
                dir.resolve("x.fbundle").toString());

        assertThat(pack.exitCode()).isEqualTo(2);
        assertThat(pack.err()).contains("mutually exclusive");
    }

    @Test
    void aKeyListSignedByARootIsFollowedByATrustStoreThatHoldsTheRoot() throws Exception {
        Path root = dir.resolve("root.json");
        assertThat(CommandRun.of("bundle", "keygen", "--out", root.toString()).exitCode())
                .isZero();
        Path nodeTrust = dir.resolve("node-trust.json");
        assertThat(CommandRun.of(
                                "bundle",
                                "trust",
                                "--trusted-keys",
                                nodeTrust.toString(),
                                "--add-root",
                                dir.resolve("root.pub.json").toString())
                        .exitCode())
                .isZero();
        Path list = dir.resolve("key-list.json");

        CommandRun made = CommandRun.of(
                "bundle",
                "key-list",
                "--root-key",
                root.toString(),
                "--key",
                dir.resolve("signing-key.pub.json").toString(),
                "--revoke",
                "ed25519:0123456789abcdef",
                "--sequence",
                "4",
                "--out",
                list.toString());

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.out()).startsWith("key list 4: 1 keys, 1 revoked, signed by ed25519:");
        KeyList read = KeyList.verify(Files.readAllBytes(list), TrustStore.load(nodeTrust), Clock.systemUTC());
        assertThat(read.keys()).extracting(TrustedKey::keyId).containsExactly(keyId());
        assertThat(read.revoked()).containsExactly("ed25519:0123456789abcdef");
    }

    @Test
    void aKeyListWithoutASequenceIsAUsageError() {
        CommandRun run = CommandRun.of("bundle", "key-list", "--root-key", key.toString(), "--out", "x.json");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--sequence=<sequence>'");
    }
}
