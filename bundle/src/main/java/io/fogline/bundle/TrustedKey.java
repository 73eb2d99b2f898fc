package io.fogline.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A public key a node or the control plane accepts signatures from. A retired key has a cut-off: bundles it signed
 * are refused when verified after that instant (the verifier's clock, not the bundle's own claim of when it was
 * made, which whoever holds the retired key could backdate).
 */
public record TrustedKey(String keyId, PublicKey publicKey, Optional<Instant> retiredAfter) {

    public TrustedKey {
        if (!keyId.equals(Ed25519.keyId(publicKey))) {
            throw new IllegalArgumentException("key id " + keyId + " is not the id of its public key");
        }
    }

    public static TrustedKey of(PublicKey publicKey) {
        return new TrustedKey(Ed25519.keyId(publicKey), publicKey, Optional.empty());
    }

    /** Reads a public key file ({@code {"algorithm":"Ed25519","key_id":…,"public_key":…}}). */
    public static TrustedKey read(Path file) throws IOException {
        return fromJson(KeyFiles.read(file), file);
    }

    public void write(Path file) throws IOException {
        KeyFiles.write(file, toJson(), false);
    }

    public TrustedKey retiredAfter(Instant cutOff) {
        return new TrustedKey(keyId, publicKey, Optional.of(cutOff));
    }

    public boolean isRetiredAt(Instant when) {
        return retiredAfter.filter(when::isAfter).isPresent();
    }

    static TrustedKey fromJson(JsonNode node, Path file) throws IOException {
        PublicKey key = KeyFiles.publicKey(node, file);
        Optional<Instant> cutOff = Optional.empty();
        if (node.hasNonNull("retired_after")) {
            try {
                cutOff = Optional.of(Instant.parse(KeyFiles.text(node, "retired_after", file)));
            } catch (DateTimeParseException e) {
                throw new IOException(file + ": retired_after is not an ISO-8601 instant", e);
            }
        }
        return new TrustedKey(Ed25519.keyId(key), key, cutOff);
    }

    ObjectNode toJson() {
        ObjectNode node = KeyFiles.publicKeyNode(publicKey);
        retiredAfter.ifPresent(cutOff -> node.put("retired_after", cutOff.toString()));
        return node;
    }
}
