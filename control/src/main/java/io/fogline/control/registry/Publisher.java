package io.fogline.control.registry;

import io.fogline.bundle.Bundle;
import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleLimits;
import io.fogline.bundle.BundleUnpacker;
import io.fogline.bundle.BundleVerifier;
import io.fogline.bundle.Manifest;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.VerifiedManifest;
import io.fogline.control.common.ControlException;
import io.fogline.control.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Publishes signed bundles into the registry. The bundle module checks the archive, the files against the manifest
 * and the signature against the trust store (read afresh for each upload, so a rotated key takes effect without a
 * restart); the files then go into the blob store by SHA-256, with the deltas from the model's earlier versions, and
 * the bundle into the database under its digest. A bundle published before is acknowledged as it is.
 */
public final class Publisher {

    private final Database database;
    private final BlobStore blobs;
    private final Deltas deltas;
    private final Path incoming;
    private final KeyLists keyLists;
    private final Clock clock;

    /** @param incoming a local directory for uploads and unpacked bundles on their way into the blob store */
    public Publisher(Database database, BlobStore blobs, Deltas deltas, Path incoming, KeyLists keyLists, Clock clock) {
        this.database = database;
        this.blobs = blobs;
        this.deltas = deltas;
        this.incoming = incoming;
        this.keyLists = keyLists;
        this.clock = clock;
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + incoming, e);
        }
    }

    /** A scratch file for an upload. */
    public Path scratch() throws IOException {
        return Files.createTempFile(incoming, "upload", ".part");
    }

    /** What publishing did: the bundle's digest and model version, and whether it is new. */
    public record Published(String bundle, String model, long version, boolean created) {}

    public Published publish(Path upload) throws IOException {
        Bundle bundle;
        VerifiedManifest verified;
        try {
            bundle = Bundle.open(upload, BundleLimits.DEFAULT);
            verified = new BundleVerifier(keyLists.trust(), clock, BundleLimits.DEFAULT).verify(bundle);
        } catch (BundleException e) {
            throw ControlException.refused(e.refusal().code(), e.getMessage());
        }
        Manifest manifest = verified.manifest();
        long version = manifest.version();
        String digest = verified.digest();
        Published existing = existing(digest);
        if (existing != null) {
            return existing;
        }
        Path unpacked = scratch();
        Files.delete(unpacked);
        try {
            BundleUnpacker.unpack(bundle, verified, unpacked);
            for (ManifestFile file : manifest.files()) {
                blobs.put(file.sha256(), unpacked.resolve(file.path()));
            }
            deltas.make(manifest, unpacked);
        } catch (BundleException e) {
            throw ControlException.refused(e.refusal().code(), e.getMessage());
        } finally {
            deleteTree(unpacked);
        }
        return database.write(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT digest FROM bundles WHERE model = ? AND version = ?")) {
                select.setString(1, manifest.model());
                select.setLong(2, version);
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        if (row.getString(1).equals(digest)) {
                            return new Published(digest, manifest.model(), version, false);
                        }
                        throw ControlException.conflict("model '" + manifest.model() + "' version " + version
                                + " is already published as bundle " + row.getString(1));
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bundles (digest, model, version, manifest, signature, key_id, size, published_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, digest);
                insert.setString(2, manifest.model());
                insert.setLong(3, version);
                insert.setBytes(4, verified.manifestBytes());
                insert.setBytes(5, verified.signatureBytes());
                insert.setString(6, verified.keyId());
                insert.setLong(7, manifest.totalSize());
                insert.setLong(8, clock.millis());
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bundle_files (digest, path, sha256, size) VALUES (?, ?, ?, ?)")) {
                for (ManifestFile file : manifest.files()) {
                    insert.setString(1, digest);
                    insert.setString(2, file.path());
                    insert.setString(3, file.sha256());
                    insert.setLong(4, file.size());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return new Published(digest, manifest.model(), version, true);
        });
    }

    private Published existing(String digest) {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT model, version FROM bundles WHERE digest = ?")) {
                select.setString(1, digest);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? new Published(digest, row.getString(1), row.getLong(2), false) : null;
                }
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
