package io.fogline.control.fleet;

import io.fogline.control.store.Database;
import io.fogline.core.device.Feedback;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.RunningModel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;

/**
 * Applies device reports once and in order: a report whose {@code seq} is not above the last applied one is
 * acknowledged and ignored, so a device may resend a report until it is acknowledged.
 */
public final class FeedbackReceiver {

    private final Database database;
    private final Clock clock;

    public FeedbackReceiver(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** What applying a report did: whether it was new, and the rollout whose action it ended, if any. */
    public record Applied(boolean accepted, OptionalLong rolloutToAdvance) {}

    public Applied apply(String deviceId, Feedback feedback) {
        return database.write(connection -> {
            long now = clock.millis();
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT last_seq FROM devices WHERE id = ?" + database.forUpdate())) {
                select.setString(1, deviceId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next() || row.getLong(1) >= feedback.seq()) {
                        return new Applied(false, OptionalLong.empty());
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO feedback (device_id, seq, action_id, status, body, received_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, deviceId);
                insert.setLong(2, feedback.seq());
                insert.setObject(3, feedback.actionId());
                insert.setString(4, feedback.status().wire());
                insert.setString(5, json(feedback));
                insert.setLong(6, now);
                insert.executeUpdate();
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE devices SET last_seq = ?, last_status = ?, last_reason = ?,"
                            + " running = COALESCE(?, running), last_seen = ? WHERE id = ?")) {
                update.setLong(1, feedback.seq());
                update.setString(2, feedback.status().wire());
                update.setString(3, feedback.reason());
                update.setString(4, feedback.running() == null ? null : json(feedback.running()));
                update.setLong(5, now);
                update.setString(6, deviceId);
                update.executeUpdate();
            }
            if (feedback.running() != null) {
                saveRunning(connection, deviceId, feedback.running());
            }
            if (feedback.actionId() == null) {
                return new Applied(true, OptionalLong.empty());
            }
            // An action already ended (timed out, cancelled by a rollback) keeps its end: gates have counted it.
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE actions SET status = ?, reason = ?, quality = COALESCE(?, quality), updated_at = ?"
                            + " WHERE id = ? AND device_id = ? AND status NOT IN ('switched', 'failed', 'timed_out',"
                            + " 'cancelled')")) {
                update.setString(1, feedback.status().wire());
                update.setString(2, feedback.reason());
                update.setString(3, feedback.quality() == null ? null : json(feedback.quality()));
                update.setLong(4, now);
                update.setLong(5, feedback.actionId());
                update.setString(6, deviceId);
                if (update.executeUpdate() == 0 || !feedback.status().ends()) {
                    return new Applied(true, OptionalLong.empty());
                }
            }
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT rollout_id FROM actions WHERE id = ?")) {
                select.setLong(1, feedback.actionId());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    long rolloutId = row.getLong(1);
                    return new Applied(true, row.wasNull() ? OptionalLong.empty() : OptionalLong.of(rolloutId));
                }
            }
        });
    }

    /** What a device runs, as rows the fleet is counted by. */
    private static void saveRunning(Connection connection, String deviceId, List<RunningModel> running)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device_running WHERE device_id = ?")) {
            delete.setString(1, deviceId);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO device_running (device_id, model, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (RunningModel model : running) {
                insert.setString(1, deviceId);
                insert.setString(2, model.model());
                insert.setLong(3, model.version());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String json(Object message) {
        return new String(ProtocolJson.write(message), StandardCharsets.UTF_8);
    }
}
