package io.fogline.control.fleet;

import io.fogline.control.Json;
import io.fogline.core.device.DesiredModel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Devices' desired states. Each change recomputes the device's {@code desired_digest}, the SHA-256 of its models in a
 * fixed order, so a poll compares ETags with one indexed read and the ETag changes exactly when the state does.
 */
public final class DesiredStates {

    private DesiredStates() {}

    public static List<DesiredModel> load(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT model, version, bundle, action_id FROM desired_models WHERE device_id = ? ORDER BY model")) {
            select.setString(1, deviceId);
            List<DesiredModel> models = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    models.add(
                            new DesiredModel(rows.getString(1), rows.getLong(2), rows.getString(3), rows.getLong(4)));
                }
            }
            return models;
        }
    }

    public static void put(Connection connection, String deviceId, DesiredModel desired) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO desired_models (device_id, model, version, bundle, action_id) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (device_id, model) DO UPDATE SET version = excluded.version,"
                        + " bundle = excluded.bundle, action_id = excluded.action_id")) {
            upsert.setString(1, deviceId);
            upsert.setString(2, desired.model());
            upsert.setLong(3, desired.version());
            upsert.setString(4, desired.bundle());
            upsert.setLong(5, desired.actionId());
            upsert.executeUpdate();
        }
        refreshDigest(connection, deviceId);
    }

    public static void remove(Connection connection, String deviceId, String model) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM desired_models WHERE device_id = ? AND model = ?")) {
            delete.setString(1, deviceId);
            delete.setString(2, model);
            delete.executeUpdate();
        }
        refreshDigest(connection, deviceId);
    }

    public static String digestOf(List<DesiredModel> models) {
        return Secrets.sha256Hex(Json.write(models).getBytes(StandardCharsets.UTF_8));
    }

    private static void refreshDigest(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE devices SET desired_digest = ? WHERE id = ?")) {
            update.setString(1, digestOf(load(connection, deviceId)));
            update.setString(2, deviceId);
            update.executeUpdate();
        }
    }
}
