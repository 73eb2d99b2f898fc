package io.fogline.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The signing keys a control plane hands its nodes, signed by a root key the nodes trust, so that rotating or revoking
 * a signing key needs no file copied to each node. The signed document is canonical JSON:
 * {@code {"key_list":{"format":1,"issued":…,"keys":[…],"revoked":[key ids],"sequence":N},"signature":{…}}}, the
 * signature (as in signature.json) over the canonical bytes of {@code key_list}. A holder follows the list of the
 * highest {@code sequence} it has verified and refuses any older one, so an old list cannot bring back a revoked key.
 *
 * @param keys the signing keys, each with its optional {@code retired_after} cut-off
 * @param revoked ids of keys refused from now on, whoever else lists them
 */
public record KeyList(long sequence, Instant issued, List<TrustedKey> keys, List<String> revoked) {

    public static final int FORMAT = 1;
    private static final Path SOURCE = Path.of("key_list");

    public KeyList {
        if (sequence < 1) {
            throw new IllegalArgumentException("a key list's sequence starts at 1, not " + sequence);
        }
        keys = List.copyOf(keys);
        revoked = List.copyOf(new TreeSet<>(revoked));
        for (TrustedKey key : keys) {
            if (revoked.contains(key.keyId())) {
                throw new IllegalArgumentException("key " + key.keyId() + " is both listed and revoked");
            }
        }
        if (keys.stream().map(TrustedKey::keyId).distinct().count() != keys.size()) {
            throw new IllegalArgumentException("a key is listed twice");
        }
    }

    /** The signed document. */
    public byte[] sign(SigningKey root) {
        ObjectNode list = toJson();
        ObjectNode document = KeyFiles.JSON.createObjectNode();
        document.set("key_list", list);
        try {
            document.set(
                    "signature",
                    KeyFiles.JSON.readTree(root.sign(CanonicalJson.write(list)).toJsonBytes()));
        } catch (IOException e) {
            throw new IllegalStateException("a signature's own JSON reads back", e);
        }
        return CanonicalJson.write(document);
    }

    /**
     * Reads a signed key list and checks its signature against the roots of {@code trust}.
     *
     * @throws BundleException {@code malformed_key_list}, or {@code unknown_key}, {@code retired_key},
     *     {@code bad_signature}, {@code unsupported_algorithm} for its signature
     */
    public static KeyList verify(byte[] document, TrustStore trust, Clock clock) throws BundleException {
        JsonNode root;
        try {
            root = KeyFiles.JSON.readTree(document);
        } catch (IOException e) {
            throw malformed("is not valid JSON");
        }
        if (root == null
                || !root.path("key_list").isObject()
                || !root.path("signature").isObject()) {
            throw malformed("needs the objects 'key_list' and 'signature'");
        }
        BundleSignature signature;
        try {
            signature = BundleSignature.parse(KeyFiles.JSON.writeValueAsBytes(root.get("signature")));
        } catch (IOException e) {
            throw malformed("has an unreadable signature");
        }
        if (!signature.algorithm().equals(Ed25519.ALGORITHM)) {
            throw new BundleException(
                    Refusal.UNSUPPORTED_ALGORITHM,
                    "key list signature algorithm '" + signature.algorithm() + "' is not Ed25519");
        }
        TrustedKey signer = trust.root(signature.keyId())
                .orElseThrow(() -> new BundleException(
                        Refusal.UNKNOWN_KEY,
                        "key list signed by '" + signature.keyId() + "', which is not a root key"));
        if (signer.isRetiredAt(clock.instant())) {
            throw new BundleException(
                    Refusal.RETIRED_KEY,
                    "key list signed by root '" + signer.keyId() + "', retired after "
                            + signer.retiredAfter().orElseThrow());
        }
        if (!Ed25519.verify(signer.publicKey(), CanonicalJson.write(root.get("key_list")), signature.signature())) {
            throw new BundleException(
                    Refusal.BAD_SIGNATURE, "key list signature by '" + signer.keyId() + "' does not match it");
        }
        return fromJson(root.get("key_list"));
    }

    private static KeyList fromJson(JsonNode list) throws BundleException {
        if (list.path("format").asInt(-1) != FORMAT || !list.path("format").isIntegralNumber()) {
            throw malformed("'format' must be " + FORMAT);
        }
        if (!list.path("sequence").isIntegralNumber() || !list.path("issued").isTextual()) {
            throw malformed("needs an integer 'sequence' and an 'issued' instant");
        }
        if (!list.path("keys").isArray() || !list.path("revoked").isArray()) {
            throw malformed("needs the arrays 'keys' and 'revoked'");
        }
        try {
            Map<String, TrustedKey> keys = TrustStore.keyMap(list.get("keys"), SOURCE);
            List<String> revoked = new java.util.ArrayList<>();
            for (JsonNode id : list.get("revoked")) {
                if (!id.isTextual()) {
                    throw malformed("'revoked' must hold key ids");
                }
                revoked.add(id.textValue());
            }
            return new KeyList(
                    list.get("sequence").longValue(),
                    Instant.parse(list.get("issued").textValue()),
                    List.copyOf(keys.values()),
                    revoked);
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    private ObjectNode toJson() {
        ObjectNode list = KeyFiles.JSON.createObjectNode();
        list.put("format", FORMAT);
        list.put("issued", issued.toString());
        ArrayNode entries = list.putArray("keys");
        keys.forEach(key -> entries.add(key.toJson()));
        ArrayNode ids = list.putArray("revoked");
        revoked.forEach(ids::add);
        list.put("sequence", sequence);
        return list;
    }

    private static BundleException malformed(String detail) {
        return new BundleException(Refusal.MALFORMED_KEY_LIST, "key list " + detail);
    }
}
