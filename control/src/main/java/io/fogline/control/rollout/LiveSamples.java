package io.fogline.control.rollout;

import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.TelemetryJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads what the live gates judge from the devices' telemetry: since the last device of a wave ended its update, the
 * windows its switched devices sent of the new version, and the windows of the model's other versions, from every
 * device still running one.
 */
final class LiveSamples {

    /** The sample for the current wave, or null while some of its devices have not ended their update. */
    LiveComparison.Sample of(Connection connection, Rollout rollout, RolloutMachine.Range range, long now)
            throws SQLException {
        Long lastEnded = lastEnded(connection, rollout, range);
        if (lastEnded == null) {
            return null;
        }
        String model = rollout.spec().model();
        String version = Long.toString(rollout.spec().version());
        ModelWindow candidate = sum(
                connection,
                "SELECT w.body FROM telemetry_windows w WHERE w.model = ? AND w.version = ? AND w.start_ms >= ? AND"
                        + " w.device_id IN (SELECT a.device_id FROM rollout_targets t JOIN actions a ON a.id ="
                        + " t.action_id WHERE t.rollout_id = ? AND t.position >= ? AND t.position < ? AND a.status ="
                        + " 'switched')",
                model,
                version,
                lastEnded,
                rollout.id(),
                range);
        ModelWindow baseline = sum(
                connection,
                "SELECT w.body FROM telemetry_windows w WHERE w.model = ? AND w.version <> ? AND w.start_ms >= ?",
                model,
                version,
                lastEnded,
                0,
                null);
        return new LiveComparison.Sample((now - lastEnded) / 1000, candidate, baseline);
    }

    /** When the last device of the range ended its update; null while one has not. */
    private static Long lastEnded(Connection connection, Rollout rollout, RolloutMachine.Range range)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*), MAX(a.updated_at), SUM(CASE WHEN"
                + " a.status IN ('switched', 'failed', 'cancelled', 'timed_out') THEN 0 ELSE 1 END) FROM"
                + " rollout_targets t JOIN actions a ON a.id = t.action_id WHERE t.rollout_id = ? AND t.position >= ?"
                + " AND t.position < ?")) {
            select.setLong(1, rollout.id());
            select.setInt(2, range.from());
            select.setInt(3, range.to());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1) == 0 || row.getLong(3) > 0 ? null : row.getLong(2);
            }
        }
    }

    /** The windows a query selects, summed as one version's: null when there are none. */
    private static ModelWindow sum(
            Connection connection,
            String sql,
            String model,
            String version,
            long since,
            long rolloutId,
            RolloutMachine.Range range)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, model);
            select.setString(2, version);
            select.setLong(3, since);
            if (range != null) {
                select.setLong(4, rolloutId);
                select.setInt(5, range.from());
                select.setInt(6, range.to());
            }
            ModelWindow total = null;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ModelWindow window = TelemetryJson.read(
                                    rows.getString(1).getBytes(StandardCharsets.UTF_8), ModelWindow.class)
                            .withVersion(version);
                    total = total == null ? window : total.merge(window);
                }
            }
            return total;
        }
    }
}
