package io.fogline.control.fleet;

import io.fogline.core.device.DesiredModel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Devices' desired states. Every change of a device's desired models raises its {@code desired_revision}, so a poll
 * compares ETags with one indexed read, and the ETag changes exactly when the state does (every change is one: each
 * new entry carries a new action id). Changes to many devices at once are made by set-based statements, with
 * {@link #touch} raising the revisions of the devices a subquery names.
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

    /** A device's desired models and the revision they are at, read together. */
    public record Revision(long revision, List<DesiredModel> models) {}

    public static Revision revision(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT desired_revision FROM devices WHERE id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("no device '" + deviceId + "'");
                }
                return new Revision(row.getLong(1), load(connection, deviceId));
            }
        }
    }

    /**
     * Raises the revision of the devices whose ids {@code devices} selects ({@code SELECT device_id FROM ...} with
     * {@code ?} parameters, bound by {@code bind}).
     */
    public static void touch(Connection connection, String devices, Binder bind) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE devices SET desired_revision = desired_revision + 1 WHERE id IN (" + devices + ")")) {
            bind.bind(update);
            update.executeUpdate();
        }
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }
}
