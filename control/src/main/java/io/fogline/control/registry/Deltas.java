package io.fogline.control.registry;

import io.fogline.bundle.Manifest;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.Sha256;
import io.fogline.bundle.delta.FileDelta;
import io.fogline.control.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deltas between the ONNX files of a model's versions (docs/protocol.md, "Delta updates"). Each is made once, when a
 * version is published, against the same file of the {@value #BASES} versions before it, and kept as a blob beside
 * the files, so any replica serves it; a device that runs none of those versions downloads the whole file.
 */
public final class Deltas {

    static final int BASES = 3;
    /** Making a delta holds both files in memory; larger models travel whole. */
    static final long LARGEST_FILE = 512L * 1024 * 1024;

    private final Database database;
    private final BlobStore blobs;
    private final Path scratch;

    /** @param scratch a local directory for deltas on their way into the blob store */
    public Deltas(Database database, BlobStore blobs, Path scratch) {
        this.database = database;
        this.blobs = blobs;
        this.scratch = scratch;
    }

    /** The delta blob that rebuilds {@code target} from {@code base}, if one was made. */
    public Optional<String> find(String base, String target) {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT delta FROM deltas WHERE base = ? AND target = ?")) {
                select.setString(1, base);
                select.setString(2, target);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Makes the deltas of a version being published, whose files are unpacked under {@code unpacked}. A delta is kept
     * only when it is smaller than 90% of its file: a new request for little gain is not worth it.
     */
    void make(Manifest manifest, Path unpacked) throws IOException {
        for (ManifestFile file : manifest.files()) {
            if (!file.path().endsWith(".onnx") || file.size() > LARGEST_FILE) {
                continue;
            }
            byte[] target = null;
            for (String base : bases(manifest, file)) {
                if (find(base, file.sha256()).isPresent() || blobs.size(base).orElse(Long.MAX_VALUE) > LARGEST_FILE) {
                    continue;
                }
                if (target == null) {
                    target = Files.readAllBytes(unpacked.resolve(file.path()));
                }
                Optional<byte[]> delta = FileDelta.between(blobs.bytes(base), target);
                if (delta.isPresent() && delta.get().length < file.size() * 9 / 10) {
                    store(base, file.sha256(), delta.get());
                }
            }
        }
    }

    /** The other contents of the same file in the model's latest versions before this one, newest first. */
    private List<String> bases(Manifest manifest, ManifestFile file) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT f.sha256, MAX(b.version) AS newest FROM bundle_files f JOIN bundles b ON b.digest = f.digest"
                            + " WHERE b.model = ? AND b.version < ? AND f.path = ? AND f.sha256 <> ?"
                            + " GROUP BY f.sha256 ORDER BY newest DESC LIMIT " + BASES)) {
                select.setString(1, manifest.model());
                select.setLong(2, manifest.version());
                select.setString(3, file.path());
                select.setString(4, file.sha256());
                List<String> bases = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        bases.add(rows.getString(1));
                    }
                }
                return bases;
            }
        });
    }

    private void store(String base, String target, byte[] delta) throws IOException {
        String digest = Sha256.of(delta);
        Path file = Files.createTempFile(scratch, "delta", ".part");
        try {
            Files.write(file, delta);
            blobs.put(digest, file);
        } finally {
            Files.deleteIfExists(file);
        }
        database.write(connection -> {
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO deltas (base, target, delta, size) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (base, target) DO NOTHING")) {
                insert.setString(1, base);
                insert.setString(2, target);
                insert.setString(3, digest);
                insert.setLong(4, delta.length);
                insert.executeUpdate();
            }
            return null;
        });
    }
}
