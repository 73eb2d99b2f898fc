package io.fogline.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysAndTrustTest {

    @TempDir
    Path dir;

    @Test
    void aKeyFileReadsBackToTheSameKeyAndIsPrivate() throws IOException {
        SigningKey key = SigningKey.generate();
        Path file = dir.resolve("signing.key.json");

        key.write(file);
        SigningKey read = SigningKey.read(file);

        assertThat(read.keyId()).isEqualTo(key.keyId()).matches("ed25519:[0-9a-f]{16}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        byte[] message = TestBundles.bytes("manifest");
        assertThat(Ed25519.verify(
                        key.trusted().publicKey(), message, read.sign(message).signature()))
                .isTrue();
    }

    @Test
    void refusesAKeyFileWhoseHalvesDoNotMatch() throws IOException {
        Path first = dir.resolve("a.json");
        Path second = dir.resolve("b.json");
        SigningKey.generate().write(first);
        SigningKey.generate().write(second);
        var mixed = (com.fasterxml.jackson.databind.node.ObjectNode) KeyFiles.read(first);
        mixed.set("private_key", KeyFiles.read(second).get("private_key"));
        Files.write(first, KeyFiles.JSON.writeValueAsBytes(mixed));

        assertThatThrownBy(() -> SigningKey.read(first))
                .isInstanceOf(IOException.class)
                .hasMessage(first + ": public_key is not the public half of private_key");
    }

    @Test
    void refusesAPublicKeyFileWhoseIdIsNotItsKeys() throws IOException {
        Path file = dir.resolve("k.pub.json");
        SigningKey.generate().trusted().write(file);
        Files.writeString(
                file, Files.readString(file).replaceFirst("ed25519:[0-9a-f]{16}", "ed25519:0000000000000000"));

        assertThatThrownBy(() -> TrustedKey.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": key_id 'ed25519:0000000000000000' is not the id of its public key");
    }

    @Test
    void aTrustStoreKeepsKeysAndCutOffsAcrossSaveAndLoad() throws IOException {
        SigningKey old = SigningKey.generate();
        SigningKey current = SigningKey.generate();
        Instant cutOff = Instant.parse("2026-12-31T00:00:00Z");
        Path file = dir.resolve("trust.json");

        TrustStore.of(old.trusted(), current.trusted())
                .retire(old.keyId(), cutOff)
                .save(file);
        TrustStore loaded = TrustStore.load(file);

        assertThat(loaded.keys()).extracting(TrustedKey::keyId).containsExactlyInAnyOrder(old.keyId(), current.keyId());
        assertThat(loaded.find(old.keyId()).orElseThrow().retiredAfter()).contains(cutOff);
        assertThat(loaded.find(current.keyId()).orElseThrow().retiredAfter()).isEmpty();
        assertThat(loaded.find(old.keyId()).orElseThrow().isRetiredAt(cutOff)).isFalse();
        assertThat(loaded.find(old.keyId()).orElseThrow().isRetiredAt(cutOff.plusSeconds(1)))
                .isTrue();
    }

    @Test
    void refusesATrustStoreThatListsAKeyTwice() throws IOException {
        Path file = dir.resolve("trust.json");
        SigningKey key = SigningKey.generate();
        TrustStore.of(key.trusted()).save(file);
        String text = Files.readString(file);
        String entry = text.substring(text.indexOf('{', 1), text.lastIndexOf('}', text.lastIndexOf(']')) + 1);
        Files.writeString(file, text.replace(entry, entry + "," + entry));

        assertThatThrownBy(() -> TrustStore.load(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": key " + key.keyId() + " is listed twice");
    }
}
