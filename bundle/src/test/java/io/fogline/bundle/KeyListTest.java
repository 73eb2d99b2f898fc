package io.fogline.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyListTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    private final SigningKey root = SigningKey.generate();
    private final SigningKey signer = SigningKey.generate();
    private final SigningKey revoked = SigningKey.generate();
    private final TrustStore trust = TrustStore.of(revoked.trusted()).withRoot(root.trusted());
    private final KeyList list = new KeyList(7, CLOCK.instant(), List.of(signer.trusted()), List.of(revoked.keyId()));

    @Test
    void aListSignedByARootReadsBackAsItWasMade() throws BundleException {
        KeyList read = KeyList.verify(list.sign(root), trust, CLOCK);

        assertThat(read.sequence()).isEqualTo(7);
        assertThat(read.keys()).extracting(TrustedKey::keyId).containsExactly(signer.keyId());
        assertThat(read.revoked()).containsExactly(revoked.keyId());
    }

    @Test
    void aStoreFollowingTheListTrustsItsKeysAndRefusesTheRevokedOneItListedItself(@TempDir Path dir) throws Exception {
        TrustStore following = trust.following(list);
        byte[] bytes = Bundle.open(TestBundles.pack(dir, signer)).manifestBytes();
        Manifest manifest = Manifest.parse(bytes);

        BundleVerifier verifier = new BundleVerifier(following, CLOCK, BundleLimits.DEFAULT);

        assertThat(verifier.verify(bytes, signer.sign(bytes).toJsonBytes()).manifest())
                .isEqualTo(manifest);
        assertThatThrownBy(() -> verifier.verify(bytes, revoked.sign(bytes).toJsonBytes()))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.REVOKED_KEY));
    }

    @Test
    void aListSignedByAKeyThatIsNotARootIsRefused() {
        assertThatThrownBy(() -> KeyList.verify(list.sign(revoked), trust, CLOCK))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.UNKNOWN_KEY))
                .hasMessageContaining("which is not a root key");
    }

    @Test
    void aListChangedAfterSigningIsRefused() {
        String signed = new String(list.sign(root), StandardCharsets.UTF_8);
        byte[] changed = signed.replace("\"sequence\":7", "\"sequence\":8").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> KeyList.verify(changed, trust, CLOCK))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.BAD_SIGNATURE));
    }

    @Test
    void aDocumentThatIsNotAKeyListIsRefusedAsMalformed() {
        assertThatThrownBy(() -> KeyList.verify("{\"keys\":[]}".getBytes(StandardCharsets.UTF_8), trust, CLOCK))
                .isInstanceOfSatisfying(
                        BundleException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_KEY_LIST))
                .hasMessage("malformed_key_list: key list needs the objects 'key_list' and 'signature'");
    }

    @Test
    void aKeyBothListedAndRevokedIsRefusedWhenTheListIsMade() {
        assertThatThrownBy(() -> new KeyList(1, CLOCK.instant(), List.of(signer.trusted()), List.of(signer.keyId())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key " + signer.keyId() + " is both listed and revoked");
    }

    @Test
    void aTrustStoreFileKeepsItsRoots(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trusted-keys.json");
        trust.save(file);

        TrustStore read = TrustStore.load(file);

        assertThat(read.root(root.keyId())).isPresent();
        assertThat(read.find(root.keyId())).isEmpty();
        assertThat(KeyList.verify(list.sign(root), read, CLOCK).sequence()).isEqualTo(7);
    }
}
