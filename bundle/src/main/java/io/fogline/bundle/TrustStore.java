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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The public keys whose signatures are accepted, by key id. Kept in a JSON file
 * ({@code {"keys":[{"algorithm":"Ed25519","key_id":…,"public_key":…,"retired_after":…}], "roots":[…]}}) that can be
 * replaced at any time: rotating keys means adding the new key, then retiring the old one with a cut-off, with no
 * re-flashing. The optional {@code roots} sign {@link KeyList}s, which a control plane distributes: a node whose file
 * holds only a root follows the signing keys of the newest list it verified, and refuses the keys that list revokes.
 */
public final class TrustStore {

    private final Map<String, TrustedKey> keys;
    private final Map<String, TrustedKey> roots;
    private final Set<String> revoked;

    private TrustStore(Map<String, TrustedKey> keys, Map<String, TrustedKey> roots, Set<String> revoked) {
        this.keys = Map.copyOf(keys);
        this.roots = Map.copyOf(roots);
        this.revoked = Set.copyOf(revoked);
    }

    public static TrustStore of(TrustedKey... keys) {
        TrustStore store = new TrustStore(Map.of(), Map.of(), Set.of());
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
        JsonNode rootEntries = root.path("roots");
        if (!rootEntries.isMissingNode() && !rootEntries.isArray()) {
            throw new IOException(file + ": field 'roots' is not an array");
        }
        return new TrustStore(keyMap(entries, file), keyMap(rootEntries, file), Set.of());
    }

    static Map<String, TrustedKey> keyMap(JsonNode entries, Path file) throws IOException {
        Map<String, TrustedKey> keys = new TreeMap<>();
        for (JsonNode entry : entries) {
            TrustedKey key = TrustedKey.fromJson(entry, file);
            if (keys.put(key.keyId(), key) != null) {
                throw new IOException(file + ": key " + key.keyId() + " is listed twice");
            }
        }
        return keys;
    }

    public void save(Path file) throws IOException {
        ObjectNode root = KeyFiles.JSON.createObjectNode();
        ArrayNode entries = root.putArray("keys");
        new TreeMap<>(keys).values().forEach(key -> entries.add(key.toJson()));
        if (!roots.isEmpty()) {
            ArrayNode rootEntries = root.putArray("roots");
            new TreeMap<>(roots).values().forEach(key -> rootEntries.add(key.toJson()));
        }
        KeyFiles.write(file, root, false);
    }

    /** This store with {@code key} added, or replacing the entry of the same id (e.g. to change its cut-off). */
    public TrustStore with(TrustedKey key) {
        Map<String, TrustedKey> copy = new TreeMap<>(keys);
        copy.put(key.keyId(), key);
        return new TrustStore(copy, roots, revoked);
    }

    /** This store with {@code root} trusted to sign key lists. */
    public TrustStore withRoot(TrustedKey root) {
        Map<String, TrustedKey> copy = new TreeMap<>(roots);
        copy.put(root.keyId(), root);
        return new TrustStore(keys, copy, revoked);
    }

    /**
     * This store following {@code list}: its keys added (replacing entries of the same id) and the keys it revokes
     * refused, even where this store lists them.
     */
    public TrustStore following(KeyList list) {
        Map<String, TrustedKey> copy = new TreeMap<>(keys);
        list.keys().forEach(key -> copy.put(key.keyId(), key));
        list.revoked().forEach(copy::remove);
        return new TrustStore(copy, roots, new TreeSet<>(list.revoked()));
    }

    public Optional<TrustedKey> root(String keyId) {
        return Optional.ofNullable(roots.get(keyId));
    }

    public boolean isRevoked(String keyId) {
        return revoked.contains(keyId);
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
