package io.fogline.control.registry;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.KeyList;
import io.fogline.bundle.TrustStore;
import io.fogline.control.common.ControlException;
import io.fogline.control.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Optional;

/**
 * The signed key lists an operator uploads and nodes follow (docs/protocol.md, "Key lists"). A list must be signed by
 * a root of the control plane's own trust store and be newer than the last one; the newest is served to nodes and is
 * what publishing trusts too, so a key rotated by a list signs bundles that the registry and the fleet both accept.
 */
public final class KeyLists {

    private static final System.Logger LOG = System.getLogger(KeyLists.class.getName());

    private final Database database;
    private final Path trustStore;
    private final Clock clock;

    public KeyLists(Database database, Path trustStore, Clock clock) {
        this.database = database;
        this.trustStore = trustStore;
        this.clock = clock;
    }

    /** Stores a signed key list; returns its sequence. */
    public long upload(byte[] document) throws IOException {
        KeyList list;
        try {
            list = KeyList.verify(document, local(), clock);
        } catch (BundleException e) {
            throw ControlException.refused(e.refusal().code(), e.getMessage());
        }
        return database.write(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT MAX(sequence) FROM key_lists")) {
                try (ResultSet row = select.executeQuery()) {
                    long newest = row.next() ? row.getLong(1) : 0;
                    if (list.sequence() <= newest) {
                        throw ControlException.conflict(
                                "key list " + list.sequence() + " is not newer than key list " + newest);
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO key_lists (sequence, document, uploaded_at) VALUES (?, ?, ?)")) {
                insert.setLong(1, list.sequence());
                insert.setBytes(2, document);
                insert.setLong(3, clock.millis());
                insert.executeUpdate();
            }
            return list.sequence();
        });
    }

    /** The newest signed key list, as uploaded. */
    public Optional<byte[]> newest() {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT document FROM key_lists ORDER BY sequence DESC LIMIT 1")) {
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The trust store file following the newest key list: what bundles are checked against. None while the file is
     * missing, so every bundle is refused as signed by an unknown key.
     */
    public TrustStore trust() throws IOException {
        TrustStore local = local();
        Optional<byte[]> newest = newest();
        if (newest.isEmpty()) {
            return local;
        }
        try {
            return local.following(KeyList.verify(newest.get(), local, clock));
        } catch (BundleException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the newest key list is refused, the trust store alone decides: {0}",
                    e.getMessage());
            return local;
        }
    }

    private TrustStore local() throws IOException {
        return Files.exists(trustStore) ? TrustStore.load(trustStore) : TrustStore.of();
    }
}
