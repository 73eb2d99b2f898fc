package io.fogline.control.registry;

import io.fogline.control.common.ControlException;
import io.fogline.control.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The published bundles: their exact manifest and signature bytes, and the models and versions they carry. */
public final class Registry {

    private final Database database;

    public Registry(Database database) {
        this.database = database;
    }

    /** The exact {@code manifest.json} bytes of a bundle. */
    public byte[] manifest(String digest) {
        return column(digest, "manifest");
    }

    /** The exact {@code signature.json} bytes of a bundle. */
    public byte[] signature(String digest) {
        return column(digest, "signature");
    }

    private byte[] column(String digest, String column) {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT " + column + " FROM bundles WHERE digest = ?")) {
                select.setString(1, digest);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw ControlException.notFound("no bundle " + digest);
                    }
                    return row.getBytes(1);
                }
            }
        });
    }

    /** Every model with its versions; {@code model} null for all of them. */
    public List<ModelView> models(String model) {
        Map<String, List<ModelView.Version>> versions = new LinkedHashMap<>();
        database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT model, version, digest, key_id, size, published_at FROM bundles"
                            + (model == null ? "" : " WHERE model = ?") + " ORDER BY model, version DESC")) {
                if (model != null) {
                    select.setString(1, model);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        versions.computeIfAbsent(rows.getString(1), name -> new ArrayList<>())
                                .add(new ModelView.Version(
                                        rows.getLong(2),
                                        rows.getString(3),
                                        rows.getString(4),
                                        rows.getLong(5),
                                        rows.getLong(6)));
                    }
                }
            }
            return null;
        });
        if (model != null && versions.isEmpty()) {
            throw ControlException.notFound("no model '" + model + "'");
        }
        return versions.entrySet().stream()
                .map(entry -> new ModelView(entry.getKey(), entry.getValue()))
                .toList();
    }
}
