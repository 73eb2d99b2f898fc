package io.fogline.bundle;

import static io.fogline.bundle.TestBundles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRefusalsTest {

    @TempDir
    Path dir;

    private final SigningKey key = SigningKey.generate();
    private Path bundle;

    @BeforeEach
    void packSignedBundle() throws Exception {
        bundle = TestBundles.pack(dir, key);
    }

    private BundleVerifier verifier(TrustStore trust) {
        return new BundleVerifier(
                trust, Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC), BundleLimits.DEFAULT);
    }

    private VerifiedManifest openAndVerify(Path file) throws Exception {
        return verifier(TrustStore.of(key.trusted())).verify(Bundle.open(file));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            ThrowingCall call, Refusal refusal, String message) {
        return assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(refusal))
                .hasMessage(message);
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void acceptsAndUnpacksABundleSignedByATrustedKey() throws Exception {
        Bundle opened = Bundle.open(bundle);
        VerifiedManifest verified = verifier(TrustStore.of(key.trusted())).verify(opened);
        Path target = dir.resolve("slot/3");
        Files.createDirectories(target.getParent());

        BundleUnpacker.unpack(opened, verified, target);

        assertThat(verified.keyId()).isEqualTo(key.keyId());
        assertThat(verified.digest())
                .isEqualTo(Sha256.of(opened.manifestBytes()))
                .isEqualTo(opened.manifest().digest());
        assertThat(Files.readAllBytes(target.resolve("model.onnx")))
                .isEqualTo(Files.readAllBytes(dir.resolve("model/model.onnx")));
        assertThat(opened.manifest().files())
                .extracting(ManifestFile::path)
                .containsExactly("config.json", "golden.json", "labels.txt", "model.onnx", "reference-stats.json");
        assertThat(BundleUnpacker.stagingFor(target)).doesNotExist();
    }

    @Test
    void refusesASignatureThatDoesNotMatchTheManifest() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Path otherBundle = TestBundles.pack(other, key);
        byte[] foreignSignature = TestBundles.entries(otherBundle).get("signature.json");
        Files.writeString(other.resolve("model/labels.txt"), "cat\nbird\n");
        BundleWriter.pack(
                other.resolve("model"), "fashion", 3, TestBundles.CREATED, java.util.Optional.of(key), otherBundle);
        Path forged = TestBundles.rewrite(
                otherBundle, dir.resolve("forged.fbundle"), Map.of("signature.json", foreignSignature));

        assertRefused(
                () -> openAndVerify(forged),
                Refusal.BAD_SIGNATURE,
                "bad_signature: signature by key '" + key.keyId() + "' does not match manifest.json");
    }

    @Test
    void refusesABundleSignedByAnUnknownKey() throws Exception {
        SigningKey stranger = SigningKey.generate();
        BundleWriter.sign(bundle, stranger);

        assertRefused(
                () -> openAndVerify(bundle),
                Refusal.UNKNOWN_KEY,
                "unknown_key: signature by unknown key '" + stranger.keyId() + "'");
    }

    @Test
    void refusesAKeyRetiredBeforeNowButAcceptsItBeforeItsCutOff() throws Exception {
        Bundle opened = Bundle.open(bundle);
        TrustStore retiredLastWeek =
                TrustStore.of(key.trusted()).retire(key.keyId(), Instant.parse("2026-11-24T00:00:00Z"));
        TrustStore retiringNextYear =
                TrustStore.of(key.trusted()).retire(key.keyId(), Instant.parse("2027-01-01T00:00:00Z"));

        assertRefused(
                () -> verifier(retiredLastWeek).verify(opened),
                Refusal.RETIRED_KEY,
                "retired_key: signature by key '" + key.keyId() + "', retired after 2026-11-24T00:00:00Z");
        assertThat(verifier(retiringNextYear).verify(opened).keyId()).isEqualTo(key.keyId());
    }

    @Test
    void refusesAFileWithOneFlippedByte() throws Exception {
        byte[] model = Files.readAllBytes(dir.resolve("model/model.onnx"));
        model[1234] ^= 1;
        Path tampered = TestBundles.rewrite(bundle, dir.resolve("tampered.fbundle"), Map.of("model.onnx", model));
        String listed = Sha256.of(Files.readAllBytes(dir.resolve("model/model.onnx")));

        assertRefused(
                () -> Bundle.open(tampered),
                Refusal.DIGEST_MISMATCH,
                "digest_mismatch: 'model.onnx' has SHA-256 " + Sha256.of(model) + ", the manifest says " + listed);
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        byte[] model = Files.readAllBytes(dir.resolve("model/model.onnx"));
        Path truncated = TestBundles.rewrite(
                bundle, dir.resolve("truncated.fbundle"), Map.of("model.onnx", Arrays.copyOf(model, 40_000)));

        assertRefused(
                () -> Bundle.open(truncated),
                Refusal.SIZE_MISMATCH,
                "size_mismatch: 'model.onnx' is 40000 bytes, the manifest says 50000");
    }

    @Test
    void refusesATruncatedArchive() throws Exception {
        byte[] whole = Files.readAllBytes(bundle);
        Path cut = Files.write(dir.resolve("cut.fbundle"), Arrays.copyOf(whole, whole.length / 2));

        assertRefused(
                () -> Bundle.open(cut),
                Refusal.MALFORMED_ARCHIVE,
                "malformed_archive: archive has no zip end record (not a zip file, or truncated)");
    }

    @Test
    void refusesAnEntryThatClimbsOutOfTheTarget() throws Exception {
        Path slip =
                TestBundles.rewrite(bundle, dir.resolve("slip.fbundle"), Map.of("../../etc/cron.d/evil", bytes("x")));

        assertRefused(
                () -> Bundle.open(slip),
                Refusal.UNSAFE_PATH,
                "unsafe_path: path '../../etc/cron.d/evil' climbs out of its directory");
    }

    @Test
    void refusesAnAbsoluteEntry() throws Exception {
        Path absolute = TestBundles.rewrite(bundle, dir.resolve("absolute.fbundle"), Map.of("/etc/passwd", bytes("x")));

        assertRefused(() -> Bundle.open(absolute), Refusal.UNSAFE_PATH, "unsafe_path: path '/etc/passwd' is absolute");
    }

    @Test
    void refusesAManifestThatListsAPathOutsideTheTargetEvenWhenSigned() throws Exception {
        Manifest honest = Bundle.open(bundle).manifest();
        String manifest = new String(honest.toCanonicalBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"labels.txt\"", "\"../labels\"");
        byte[] manifestBytes = bytes(manifest);

        assertRefused(
                () -> verifier(TrustStore.of(key.trusted()))
                        .verify(manifestBytes, key.sign(manifestBytes).toJsonBytes()),
                Refusal.UNSAFE_PATH,
                "unsafe_path: path '../labels' climbs out of its directory");
    }

    @Test
    void refusesASymbolicLink() throws Exception {
        Path linked = TestBundles.rewrite(bundle, dir.resolve("link.fbundle"), Map.of());
        TestBundles.setUnixMode(linked, "labels.txt", 0120777);

        assertRefused(
                () -> Bundle.open(linked),
                Refusal.LINK_ENTRY,
                "link_entry: archive entry 'labels.txt' is a symbolic link");
    }

    @Test
    void acceptsARegularFileMadeOnUnix() throws Exception {
        Path plain = TestBundles.rewrite(bundle, dir.resolve("plain.fbundle"), Map.of());
        TestBundles.setUnixMode(plain, "labels.txt", 0100644);

        assertThat(openAndVerify(plain).manifest().model()).isEqualTo("fashion");
    }

    @Test
    void refusesADuplicateEntry() throws Exception {
        Path twice = TestBundles.rewrite(bundle, dir.resolve("twice.fbundle"), Map.of("labels.tx_", bytes("evil\n")));
        TestBundles.replaceBytes(twice, "labels.tx_", "labels.txt");

        assertRefused(
                () -> Bundle.open(twice), Refusal.DUPLICATE_ENTRY, "duplicate_entry: archive holds 'labels.txt' twice");
    }

    @Test
    void refusesAnEntryTheManifestDoesNotList() throws Exception {
        Path extra = TestBundles.rewrite(bundle, dir.resolve("extra.fbundle"), Map.of("run.sh", bytes("#!/bin/sh")));

        assertRefused(
                () -> Bundle.open(extra),
                Refusal.UNLISTED_ENTRY,
                "unlisted_entry: archive entry 'run.sh' is not in the manifest");
    }

    @Test
    void refusesAFileOverTheSizeLimit() throws Exception {
        BundleLimits small = new BundleLimits(10_000, 1 << 20, 16, 1 << 16, 200);

        assertRefused(
                () -> Bundle.open(bundle, small),
                Refusal.OVERSIZE,
                "oversize: 'model.onnx' is 50000 bytes, over the limit of 10000");
    }

    @Test
    void refusesAManifestThatDeclaresMoreThanTheLimitsEvenWhenSigned() throws Exception {
        byte[] manifestBytes = Bundle.open(bundle).manifestBytes();
        BundleVerifier strict = new BundleVerifier(
                TrustStore.of(key.trusted()), Clock.systemUTC(), new BundleLimits(1 << 20, 50_010, 16, 1 << 16, 200));

        assertThatThrownBy(() ->
                        strict.verify(manifestBytes, key.sign(manifestBytes).toJsonBytes()))
                .hasMessageStartingWith("oversize: bundle holds ")
                .hasMessageEndingWith(" bytes, over the limit of 50010");
    }

    @Test
    void refusesAnEntryThatInflatesImplausibly() throws Exception {
        Path bomb = TestBundles.rewrite(bundle, dir.resolve("bomb.fbundle"), Map.of("zeros.bin", new byte[8 << 20]));

        assertThatThrownBy(() -> Bundle.open(bomb))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.ZIP_BOMB))
                .hasMessageStartingWith("zip_bomb: 'zeros.bin' inflates ")
                .hasMessageEndingWith(" bytes to 8388608, over the ratio of 200");
    }

    @Test
    void refusesEntriesThatShareTheirData() throws Exception {
        Path overlapping = TestBundles.rewrite(bundle, dir.resolve("overlap.fbundle"), Map.of());
        TestBundles.shareData(overlapping, "labels.txt", "config.json");

        assertThatThrownBy(() -> Bundle.open(overlapping))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.ZIP_BOMB))
                .hasMessageEndingWith("overlaps another entry's data");
    }

    @Test
    void refusesAnUnsignedBundle() throws Exception {
        Path unsigned = TestBundles.pack(Files.createDirectories(dir.resolve("unsigned")), null);

        assertRefused(
                () -> openAndVerify(unsigned),
                Refusal.MISSING_SIGNATURE,
                "missing_signature: fashion-3.fbundle has no signature.json: sign it first");
    }

    @Test
    void signingAPackedBundleMakesItVerify() throws Exception {
        Path unsigned = TestBundles.pack(Files.createDirectories(dir.resolve("unsigned")), null);
        String digestBefore = Bundle.open(unsigned).digest();

        BundleWriter.sign(unsigned, key);

        assertThat(openAndVerify(unsigned).digest()).isEqualTo(digestBefore);
    }

    @Test
    void refusesAManifestThatIsNotCanonical() throws Exception {
        Manifest manifest = Bundle.open(bundle).manifest();
        byte[] pretty = new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(KeyFiles.JSON.readTree(manifest.toCanonicalBytes()));

        assertRefused(
                () -> verifier(TrustStore.of(key.trusted()))
                        .verify(pretty, key.sign(pretty).toJsonBytes()),
                Refusal.NON_CANONICAL_MANIFEST,
                "non_canonical_manifest: manifest.json is not canonical JSON (sorted keys, no whitespace, files sorted by path)");
    }

    @Test
    void refusesAnArchiveWithoutAManifest() throws Exception {
        Path bare = TestBundles.zip(dir.resolve("bare.fbundle"), Map.of("model.onnx", bytes("x")));

        assertRefused(
                () -> Bundle.open(bare),
                Refusal.MISSING_MANIFEST,
                "missing_manifest: bare.fbundle has no manifest.json");
    }

    @Test
    void aFailedUnpackLeavesNeitherTargetNorStaging() throws Exception {
        Bundle opened = Bundle.open(bundle);
        VerifiedManifest verified = verifier(TrustStore.of(key.trusted())).verify(opened);
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        for (ManifestFile file : opened.manifest().files()) {
            Files.copy(dir.resolve("model").resolve(file.path()), blobs.resolve(file.sha256()));
        }
        ManifestFile labels = opened.manifest().file("labels.txt").orElseThrow();
        Files.writeString(blobs.resolve(labels.sha256()), "cat\ndoG\n");
        Path target = dir.resolve("slot");

        assertRefused(
                () -> BundleUnpacker.assemble(verified, blobs::resolve, target),
                Refusal.DIGEST_MISMATCH,
                "digest_mismatch: 'labels.txt' has SHA-256 " + Sha256.of(bytes("cat\ndoG\n")) + ", the manifest says "
                        + labels.sha256());
        assertThat(target).doesNotExist();
        assertThat(BundleUnpacker.stagingFor(target)).doesNotExist();
    }

    @Test
    void assemblesFromContentAddressedBlobs() throws IOException, Exception {
        Bundle opened = Bundle.open(bundle);
        VerifiedManifest verified = verifier(TrustStore.of(key.trusted())).verify(opened);
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        for (ManifestFile file : opened.manifest().files()) {
            Files.copy(dir.resolve("model").resolve(file.path()), blobs.resolve(file.sha256()));
        }
        Files.createDirectories(BundleUnpacker.stagingFor(dir.resolve("slot")).resolve("left-over"));

        BundleUnpacker.assemble(verified, blobs::resolve, dir.resolve("slot"));

        assertThat(dir.resolve("slot/labels.txt")).hasContent("cat\ndog\n");
        assertThat(BundleUnpacker.stagingFor(dir.resolve("slot"))).doesNotExist();
    }
}
