package io.fogline.control.rollout;

import io.fogline.control.ApiException;
import io.fogline.control.Json;
import io.fogline.control.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads rollouts for the operator. */
public final class RolloutViews {

    private final Database database;

    public RolloutViews(Database database) {
        this.database = database;
    }

    public RolloutView view(long id) {
        return database.read(connection -> {
            List<RolloutView> found = select(connection, " WHERE id = ?", id);
            if (found.isEmpty()) {
                throw ApiException.notFound("no rollout " + id);
            }
            return found.getFirst();
        });
    }

    /** Every rollout, newest first. */
    public List<RolloutView> list() {
        return database.read(connection -> select(connection, "", null));
    }

    private static List<RolloutView> select(Connection connection, String where, Long id) throws SQLException {
        List<RolloutView> views = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, model, version, bundle, state, state_reason, current_wave, created_at, updated_at, spec,"
                        + " (SELECT COUNT(*) FROM rollout_targets t WHERE t.rollout_id = r.id) FROM rollouts r"
                        + where + " ORDER BY id DESC")) {
            if (id != null) {
                select.setLong(1, id);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long rollout = rows.getLong(1);
                    RolloutSpec spec = Json.read(rows.getString(10), RolloutSpec.class);
                    views.add(new RolloutView(
                            rollout,
                            rows.getString(2),
                            rows.getLong(3),
                            rows.getString(4),
                            rows.getString(5),
                            rows.getString(6),
                            rows.getInt(7),
                            rows.getInt(11),
                            rows.getLong(8),
                            rows.getLong(9),
                            spec,
                            waves(connection, rollout, spec),
                            rollback(connection, rollout)));
                }
            }
        }
        return views;
    }

    private static List<RolloutView.Wave> waves(Connection connection, long id, RolloutSpec spec) throws SQLException {
        List<RolloutView.Wave> waves = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT wave, first, size, result, started_at, ended_at, reason FROM rollout_waves"
                        + " WHERE rollout_id = ? ORDER BY wave")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int wave = rows.getInt(1);
                    String result = rows.getString(4);
                    waves.add(new RolloutView.Wave(
                            wave,
                            rows.getInt(2),
                            rows.getInt(3),
                            result,
                            nullableLong(rows, 5),
                            nullableLong(rows, 6),
                            rows.getString(7),
                            result.equals("planned") ? null : WaveTallies.of(connection, id, wave, spec)));
                }
            }
        }
        return waves;
    }

    private static RolloutView.Rollback rollback(Connection connection, long id) throws SQLException {
        int devices = 0, switched = 0, failed = 0;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT status, COUNT(*) FROM actions WHERE rollout_id = ? AND purpose = 'rollback' GROUP BY status")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int count = rows.getInt(2);
                    devices += count;
                    switch (rows.getString(1)) {
                        case "switched" -> switched += count;
                        case "failed", "timed_out", "cancelled" -> failed += count;
                        default -> {}
                    }
                }
            }
        }
        return devices == 0 ? null : new RolloutView.Rollback(devices, switched, failed, devices - switched - failed);
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }
}
