package io.fogline.control.rollout;

import io.fogline.control.common.ControlException;
import io.fogline.control.common.Json;
import io.fogline.control.fleet.DesiredStates;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.fleet.LabelSelector;
import io.fogline.control.rollout.RolloutEffect.ExpireOverdue;
import io.fogline.control.rollout.RolloutEffect.OpenWave;
import io.fogline.control.rollout.RolloutEffect.RestorePrevious;
import io.fogline.control.store.Database;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.Quality;
import io.fogline.core.device.RunningModel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rollouts in SQL: their rows and waves, their targets, and the effects of their transitions on devices' actions and
 * desired states. Effects are set-based statements over ranges of target positions, so a wave of 100,000 devices is a
 * handful of statements and never a list in memory; the only work done device by device (finding the version a
 * device runs without having been told to) goes in chunks of {@link #CHUNK}. Every method runs on the caller's
 * connection, inside the caller's transaction.
 */
final class RolloutRepository {

    static final String UNFINISHED = "('running', 'waiting_approval', 'paused')";
    private static final String ENDED = "('switched', 'failed', 'timed_out', 'cancelled')";
    static final int CHUNK = 2000;
    private static final String GATE_OK = "ok";

    private final Database database;

    RolloutRepository(Database database) {
        this.database = database;
    }

    /** The digest of the bundle published as a model version. */
    String bundleOf(Connection connection, String model, long version) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT digest FROM bundles WHERE model = ? AND version = ?")) {
            select.setString(1, model);
            select.setLong(2, version);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw ControlException.notFound("no published bundle of model '" + model + "' version " + version);
                }
                return row.getString(1);
            }
        }
    }

    void refuseSecondRollout(Connection connection, String model) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, state FROM rollouts WHERE model = ? AND state IN " + UNFINISHED)) {
            select.setString(1, model);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    throw ControlException.conflict("rollout " + row.getLong(1) + " of model '" + model + "' is "
                            + row.getString(2) + ": finish, abort or roll it back first");
                }
            }
        }
    }

    /** A new rollout's row, in no wave yet; its waves come with its first {@link #save}. */
    long insert(Connection connection, RolloutSpec spec, String bundle, long now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO rollouts (model, version, bundle, spec, state, current_wave, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, 'running', 0, ?, ?) RETURNING id")) {
            insert.setString(1, spec.model());
            insert.setLong(2, spec.version());
            insert.setString(3, bundle);
            insert.setString(4, Json.write(spec));
            insert.setLong(5, now);
            insert.setLong(6, now);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Lists the devices the rollout's target matches now, by id, as positions 0, 1, ...; returns how many. */
    int target(Connection connection, long id, RolloutSpec.Target target) throws SQLException {
        DeviceFilter filter = new DeviceFilter(
                target.group(), target.selector() == null ? null : LabelSelector.parse(target.selector()));
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO rollout_targets (rollout_id, device_id, position)"
                        + " SELECT ?, d.id, ROW_NUMBER() OVER (ORDER BY d.id) - 1 FROM devices d"
                        + filter.where("d"))) {
            insert.setLong(1, id);
            filter.bind(insert, 2);
            return insert.executeUpdate();
        }
    }

    /** The rollout, its row locked until the transaction ends, so that its transitions happen one at a time. */
    Rollout lock(Connection connection, long id) throws SQLException {
        return load(connection, id, database.forUpdate());
    }

    Rollout load(Connection connection, long id) throws SQLException {
        return load(connection, id, "");
    }

    private static Rollout load(Connection connection, long id, String lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT spec, bundle, state, state_reason, current_wave, created_at, updated_at FROM rollouts"
                        + " WHERE id = ?" + lock)) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw ControlException.notFound("no rollout " + id);
                }
                return new Rollout(
                        id,
                        Json.read(row.getString(1), RolloutSpec.class),
                        row.getString(2),
                        RolloutState.ofWire(row.getString(3)),
                        row.getString(4),
                        row.getInt(5),
                        waves(connection, id),
                        row.getLong(6),
                        row.getLong(7));
            }
        }
    }

    private static List<Rollout.Wave> waves(Connection connection, long id) throws SQLException {
        List<Rollout.Wave> waves = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT wave, first, size, result, started_at, ended_at, reason FROM rollout_waves"
                        + " WHERE rollout_id = ? ORDER BY wave")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    waves.add(new Rollout.Wave(
                            rows.getInt(1),
                            rows.getInt(2),
                            rows.getInt(3),
                            WaveResult.ofWire(rows.getString(4)),
                            nullableLong(rows, 5),
                            nullableLong(rows, 6),
                            rows.getString(7)));
                }
            }
        }
        return waves;
    }

    /** Ids of the rollouts not in a terminal state. */
    List<Long> unfinished(Connection connection) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT id FROM rollouts WHERE state IN " + UNFINISHED);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    /** Stores what a transition changed: the rollout's row, and each wave that differs from {@code before}. */
    void save(Connection connection, Rollout before, Rollout after) throws SQLException {
        if (!after.equals(before)) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE rollouts SET state = ?, state_reason = ?, current_wave = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, after.state().wire());
                update.setString(2, after.reason());
                update.setInt(3, after.currentWave());
                update.setLong(4, after.updatedAt());
                update.setLong(5, after.id());
                update.executeUpdate();
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO rollout_waves (rollout_id, wave, first, size, result, started_at, ended_at, reason)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rollout_id, wave) DO UPDATE SET"
                        + " result = excluded.result, started_at = excluded.started_at,"
                        + " ended_at = excluded.ended_at, reason = excluded.reason")) {
            for (Rollout.Wave wave : after.waves()) {
                if (before != null
                        && wave.index() < before.waves().size()
                        && before.waves().get(wave.index()).equals(wave)) {
                    continue;
                }
                upsert.setLong(1, after.id());
                upsert.setInt(2, wave.index());
                upsert.setInt(3, wave.first());
                upsert.setInt(4, wave.size());
                upsert.setString(5, wave.result().wire());
                upsert.setObject(6, wave.startedAt());
                upsert.setObject(7, wave.endedAt());
                upsert.setString(8, wave.reason());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Carries out one effect of a transition of {@code rollout}, at {@code now}. */
    void apply(Connection connection, Rollout rollout, RolloutEffect effect, long now) throws SQLException {
        switch (effect) {
            case OpenWave open -> openWave(connection, rollout, open, now);
            case ExpireOverdue expire -> expire(connection, rollout.id(), expire, now);
            case RestorePrevious restore -> restorePrevious(connection, rollout, restore.switchedToo(), now);
        }
    }

    private void openWave(Connection connection, Rollout rollout, OpenWave open, long now) throws SQLException {
        String model = rollout.spec().model();
        String range = " WHERE rollout_id = ? AND position >= ? AND position < ?";
        int from = open.first();
        int to = open.first() + open.size();
        try (PreparedStatement previous = connection.prepareStatement(
                "UPDATE rollout_targets SET previous_version = (SELECT m.version FROM desired_models m"
                        + " WHERE m.device_id = rollout_targets.device_id AND m.model = ?),"
                        + " previous_bundle = (SELECT m.bundle FROM desired_models m"
                        + " WHERE m.device_id = rollout_targets.device_id AND m.model = ?)" + range)) {
            previous.setString(1, model);
            previous.setString(2, model);
            bindRange(previous, 3, rollout.id(), from, to);
            previous.executeUpdate();
        }
        previousFromRunning(connection, rollout, from, to);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO actions (device_id, rollout_id, model, version, bundle, purpose, status, created_at,"
                        + " updated_at) SELECT device_id, rollout_id, ?, ?, ?, 'update', 'pending', ?, ?"
                        + " FROM rollout_targets" + range)) {
            insert.setString(1, model);
            insert.setLong(2, rollout.spec().version());
            insert.setString(3, rollout.bundle());
            insert.setLong(4, now);
            insert.setLong(5, now);
            bindRange(insert, 6, rollout.id(), from, to);
            insert.executeUpdate();
        }
        try (PreparedStatement link =
                connection.prepareStatement("UPDATE rollout_targets SET action_id = (SELECT a.id FROM actions a"
                        + " WHERE a.rollout_id = rollout_targets.rollout_id AND a.purpose = 'update'"
                        + " AND a.device_id = rollout_targets.device_id)" + range)) {
            bindRange(link, 1, rollout.id(), from, to);
            link.executeUpdate();
        }
        try (PreparedStatement desire =
                connection.prepareStatement("INSERT INTO desired_models (device_id, model, version, bundle, action_id)"
                        + " SELECT device_id, ?, ?, ?, action_id FROM rollout_targets" + range
                        + " ON CONFLICT (device_id, model) DO UPDATE SET version = excluded.version,"
                        + " bundle = excluded.bundle, action_id = excluded.action_id")) {
            desire.setString(1, model);
            desire.setLong(2, rollout.spec().version());
            desire.setString(3, rollout.bundle());
            bindRange(desire, 4, rollout.id(), from, to);
            desire.executeUpdate();
        }
        DesiredStates.touch(
                connection,
                "SELECT device_id FROM rollout_targets" + range,
                statement -> bindRange(statement, 1, rollout.id(), from, to));
    }

    /**
     * For targets that were never told to serve the model: the version they report running, when the registry holds
     * that version's bundle, is what a rollback gives them back.
     */
    private static void previousFromRunning(Connection connection, Rollout rollout, int from, int to)
            throws SQLException {
        String model = rollout.spec().model();
        Map<Long, String> published = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT version, digest FROM bundles WHERE model = ?")) {
            select.setString(1, model);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    published.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        for (int chunk = from; chunk < to; chunk += CHUNK) {
            List<Object[]> found = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT t.device_id, d.running FROM rollout_targets t JOIN devices d ON d.id = t.device_id"
                            + " WHERE t.rollout_id = ? AND t.position >= ? AND t.position < ?"
                            + " AND t.previous_bundle IS NULL")) {
                bindRange(select, 1, rollout.id(), chunk, Math.min(to, chunk + CHUNK));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        for (RunningModel running : ProtocolJson.read(
                                rows.getString(2).getBytes(StandardCharsets.UTF_8), RunningModel[].class)) {
                            String bundle = published.get(running.version());
                            if (running.model().equals(model) && bundle != null) {
                                found.add(new Object[] {running.version(), bundle, rows.getString(1)});
                            }
                        }
                    }
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE rollout_targets SET previous_version = ?, previous_bundle = ?"
                            + " WHERE rollout_id = ? AND device_id = ?")) {
                for (Object[] previous : found) {
                    update.setLong(1, (Long) previous[0]);
                    update.setString(2, (String) previous[1]);
                    update.setLong(3, rollout.id());
                    update.setString(4, (String) previous[2]);
                    update.addBatch();
                }
                update.executeBatch();
            }
        }
    }

    private static void expire(Connection connection, long id, ExpireOverdue expire, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE actions SET status = 'timed_out', reason = ?, updated_at = ? WHERE rollout_id = ?"
                        + " AND purpose = 'update' AND status NOT IN " + ENDED + " AND created_at <= ?")) {
            update.setString(1, expire.reason());
            update.setLong(2, now);
            update.setLong(3, id);
            update.setLong(4, expire.createdBefore());
            update.executeUpdate();
        }
    }

    /**
     * Ends the rollout's unfinished updates and gives targeted devices their previous version back as desired state:
     * all of them for a rollback, those that had not switched for an abort. A device that had no previous version has
     * the model removed from its desired state, which leaves the node serving what it has.
     */
    private static void restorePrevious(Connection connection, Rollout rollout, boolean switchedToo, long now)
            throws SQLException {
        long id = rollout.id();
        try (PreparedStatement cancel = connection.prepareStatement(
                "UPDATE actions SET status = 'cancelled', updated_at = ? WHERE rollout_id = ? AND purpose = 'update'"
                        + " AND status NOT IN " + ENDED)) {
            cancel.setLong(1, now);
            cancel.setLong(2, id);
            cancel.executeUpdate();
        }
        String restored = "SELECT t.device_id FROM rollout_targets t JOIN actions a ON a.id = t.action_id"
                + " WHERE t.rollout_id = ?" + (switchedToo ? "" : " AND a.status <> 'switched'");
        String model = rollout.spec().model();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO actions (device_id, rollout_id, model, version, bundle, purpose, status, created_at,"
                        + " updated_at) SELECT t.device_id, t.rollout_id, ?, t.previous_version, t.previous_bundle,"
                        + " 'rollback', 'pending', ?, ? FROM rollout_targets t WHERE t.rollout_id = ?"
                        + " AND t.previous_bundle IS NOT NULL AND t.device_id IN (" + restored + ")")) {
            insert.setString(1, model);
            insert.setLong(2, now);
            insert.setLong(3, now);
            insert.setLong(4, id);
            insert.setLong(5, id);
            insert.executeUpdate();
        }
        try (PreparedStatement desire =
                connection.prepareStatement("INSERT INTO desired_models (device_id, model, version, bundle, action_id)"
                        + " SELECT device_id, model, version, bundle, id FROM actions"
                        + " WHERE rollout_id = ? AND purpose = 'rollback'"
                        + " ON CONFLICT (device_id, model) DO UPDATE SET version = excluded.version,"
                        + " bundle = excluded.bundle, action_id = excluded.action_id")) {
            desire.setLong(1, id);
            desire.executeUpdate();
        }
        try (PreparedStatement remove = connection.prepareStatement(
                "DELETE FROM desired_models WHERE model = ? AND device_id IN (SELECT t.device_id FROM"
                        + " rollout_targets t WHERE t.rollout_id = ? AND t.previous_bundle IS NULL"
                        + " AND t.device_id IN (" + restored + "))")) {
            remove.setString(1, model);
            remove.setLong(2, id);
            remove.setLong(3, id);
            remove.executeUpdate();
        }
        DesiredStates.touch(connection, restored, statement -> statement.setLong(1, id));
    }

    /**
     * Judges up to {@link #CHUNK} of the switches not judged yet against the rollout's quality gates and keeps each
     * verdict with its action, so a tally counts verdicts in the database instead of reading every report again.
     *
     * @return how many it judged: fewer than a chunk once none are left
     */
    int judgeQuality(Connection connection, Rollout rollout) throws SQLException {
        RolloutSpec.QualityGates gates = rollout.spec().gates().quality();
        List<Object[]> verdicts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT a.id, a.quality FROM actions a WHERE a.rollout_id = ? AND a.purpose = 'update'"
                        + " AND a.status = 'switched' AND a.gate IS NULL ORDER BY a.id LIMIT " + CHUNK)) {
            select.setLong(1, rollout.id());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String broken = QualityCheck.violation(gates, quality(rows.getString(2)));
                    verdicts.add(new Object[] {broken == null ? GATE_OK : broken, rows.getLong(1)});
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE actions SET gate = ? WHERE id = ?")) {
            for (Object[] verdict : verdicts) {
                update.setString(1, (String) verdict[0]);
                update.setLong(2, (Long) verdict[1]);
                update.addBatch();
            }
            update.executeBatch();
        }
        return verdicts.size();
    }

    /**
     * The outcomes of the devices at positions {@code [from, to)}: counted in the database by status and gate
     * verdict; a switch not judged yet (one the view shows before the rollout's next step) is judged here. One
     * statement reads both, so they are counted in one snapshot: read apart, a switch judged or made between the two
     * (by another replica's step, say) was counted as a quality failure, and failed a canary of 100 at a success
     * threshold of 100 % with no device failing. The unjudged switches come from their partial index, each one's
     * position looked up by its action: joining the whole wave's targets for a few new switches took seconds in a wave
     * of 100,000 (27 s where the planner's statistics still described an empty table), under the rollout's lock.
     */
    WaveTally tally(Connection connection, Rollout rollout, RolloutMachine.Range range) throws SQLException {
        int size = 0, switched = 0, failed = 0, timedOut = 0, qualityFailed = 0, pending = 0;
        RolloutSpec.QualityGates gates = rollout.spec().gates().quality();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT a.status, CASE WHEN a.gate = 'ok' THEN 1 ELSE 0 END, COUNT(*), NULL"
                        + " FROM rollout_targets t JOIN actions a ON a.id = t.action_id"
                        + " WHERE t.rollout_id = ? AND t.position >= ? AND t.position < ?"
                        + " AND NOT (a.status = 'switched' AND a.gate IS NULL)"
                        + " GROUP BY a.status, CASE WHEN a.gate = 'ok' THEN 1 ELSE 0 END"
                        + " UNION ALL SELECT a.status, NULL, 1, a.quality FROM actions a"
                        + " WHERE a.rollout_id = ? AND a.purpose = 'update' AND a.status = 'switched'"
                        + " AND a.gate IS NULL"
                        + " AND (SELECT t.position FROM rollout_targets t WHERE t.action_id = a.id) BETWEEN ? AND ?")) {
            bindRange(select, 1, rollout.id(), range.from(), range.to());
            bindRange(select, 4, rollout.id(), range.from(), range.to() - 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int count = rows.getInt(3);
                    size += count;
                    switch (rows.getString(1)) {
                        case "switched" -> {
                            int ok = rows.getInt(2);
                            if (rows.wasNull()) {
                                boolean good = QualityCheck.violation(gates, quality(rows.getString(4))) == null;
                                switched += good ? 1 : 0;
                                qualityFailed += good ? 0 : 1;
                            } else if (ok == 1) {
                                switched += count;
                            } else {
                                qualityFailed += count;
                            }
                        }
                        case "failed", "cancelled" -> failed += count;
                        case "timed_out" -> timedOut += count;
                        default -> pending += count;
                    }
                }
            }
        }
        return new WaveTally(size, switched, failed, timedOut, qualityFailed, pending);
    }

    private static Quality quality(String json) {
        return json == null ? null : ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), Quality.class);
    }

    /** How the devices given their previous version back have got on; null when nothing was rolled back. */
    RolloutView.Rollback rollback(Connection connection, long id) throws SQLException {
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

    /** Rollouts' ids, newest first. */
    List<Long> ids(Connection connection) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM rollouts ORDER BY id DESC");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static void bindRange(PreparedStatement statement, int index, long id, int from, int to)
            throws SQLException {
        statement.setLong(index, id);
        statement.setInt(index + 1, from);
        statement.setInt(index + 2, to);
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }
}
