package io.fogline.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public keys whose signatures are accepted, by key id. Kept in a JSON file
 * ({@code {"keys":[{"algorithm":"Ed25519","key_id":…,"public_key":…,"retired_after":…}]}}) that can be replaced at
 * any time: rotating keys means adding the new key, then retiring the old one with a cut-off, with no re-flashing.
 */
public final class TrustStore {

    private final Map<String, TrustedKey> keys;

    private TrustStore(Map<String, TrustedKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    public static TrustStore of(TrustedKey... keys) {
        TrustStore store = new TrustStore(Map.of());
        for (TrustedKey key : keys) {
            store = store.with(key);
        }
        return store;
    }

    public static TrustStore load(Path file) throws IOException {
        JsonNode root = KeyFiles.read(file);
        JsonNode entries = root.get("keys");
        if (entries == null || !entries.isArray()) {
            throw new IOException(file + ": field 'keys' is missing or not an array");
        }
        Map<String, TrustedKey> keys = new TreeMap<>();
        for (JsonNode entry : entries) {
            TrustedKey key = TrustedKey.fromJson(entry, file);
            if (keys.put(key.keyId(), key) != null) {
                throw new IOException(file + ": key " + key.keyId() + " is listed twice");
            }
        }
        return new TrustStore(keys);
    }

    public void save(Path file) throws IOException {
        ObjectNode root = KeyFiles.JSON.createObjectNode();
        ArrayNode entries = root.putArray("keys");
        new TreeMap<>(keys).values().forEach(key -> entries.add(key.toJson()));
        KeyFiles.write(file, root, false);
    }

    /** This store with {@code key} added, or replacing the entry of the same id (e.g. to change its cut-off). */
    public TrustStore with(TrustedKey key) {
        Map<String, TrustedKey> copy = new TreeMap<>(keys);
        copy.put(key.keyId(), key);
        return new TrustStore(copy);
    }

    /** This store with the key retired after {@code cutOff}. */
    public TrustStore retire(String keyId, Instant cutOff) {
        TrustedKey key = find(keyId).orElseThrow(() -> new IllegalArgumentException("no key " + keyId + " to retire"));
        return with(key.retiredAfter(cutOff));
    }

    public Optional<TrustedKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    public Collection<TrustedKey> keys() {
        return new TreeMap<>(keys).values();
    }
}
