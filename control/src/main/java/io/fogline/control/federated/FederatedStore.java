package io.fogline.control.federated;

import io.fogline.control.common.ControlException;
import io.fogline.control.fleet.DesiredStates;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.store.Database;
import io.fogline.core.device.FederatedTask;
import io.fogline.federated.Refusal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of federated jobs: jobs, rounds, the devices chosen, their updates and the refusals counted. */
final class FederatedStore {

    static final String RUNNING = "running";
    static final String PUBLISHING = "publishing";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String STOPPED = "stopped";
    static final String OPEN = "open";
    static final String AGGREGATED = "aggregated";

    private static final String JOB_COLUMNS = "id, spec, state, reason, round, global_sha256, global_size, dimension,"
            + " optimizer_state, result_version, result_bundle, rollout_id, created_at, updated_at";
    private static final String ROUND_COLUMNS = "round, state, global_sha256, global_size, opened_at, deadline_at,"
            + " chosen, aggregated, loss, accuracy, eval_accuracy, reason, closed_at";

    /** A job's row. */
    record Job(
            String id,
            JobSpec spec,
            String state,
            String reason,
            int round,
            String globalSha256,
            long globalSize,
            int dimension,
            byte[] optimizerState,
            long resultVersion,
            String resultBundle,
            Long rolloutId,
            long createdAt,
            long updatedAt) {}

    /** A round's row. */
    record Round(
            int round,
            String state,
            String globalSha256,
            long globalSize,
            long openedAt,
            long deadlineAt,
            long chosen,
            Long aggregated,
            Double loss,
            Double accuracy,
            Double evalAccuracy,
            String reason,
            Long closedAt) {}

    /** A job with its rounds, and the accepted updates and the refusals per reason of each round, by round. */
    record History(
            Job job, List<Round> rounds, Map<Integer, Long> answered, Map<Integer, Map<String, Long>> refusals) {}

    /** What a round's aggregation wrote: its figures and the global model it made. */
    record Aggregated(
            int aggregated,
            Double evalAccuracy,
            List<String> outliers,
            String globalSha256,
            long globalSize,
            byte[] optimizerState,
            boolean last) {}

    private final Database database;

    FederatedStore(Database database) {
        this.database = database;
    }

    void optIn(String device, long examples, long now) {
        database.write(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO fl_devices (device_id, examples, updated_at) VALUES (?, ?, ?) ON CONFLICT (device_id)"
                            + " DO UPDATE SET examples = excluded.examples, updated_at = excluded.updated_at")) {
                upsert.setString(1, device);
                upsert.setLong(2, examples);
                upsert.setLong(3, now);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    /** The base model's files by path, each as its blob's SHA-256. */
    Map<String, String> bundleFiles(String model, long version) {
        return database.read(connection -> {
            Map<String, String> files = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT f.path, f.sha256 FROM bundles b"
                            + " JOIN bundle_files f ON f.digest = b.digest WHERE b.model = ? AND b.version = ? ORDER BY f.path")) {
                select.setString(1, model);
                select.setLong(2, version);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        files.put(rows.getString(1), rows.getString(2));
                    }
                }
            }
            return files;
        });
    }

    /** The newest published version of a model; 0 for none. */
    long newestVersion(String model) {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT MAX(version) FROM bundles WHERE model = ?")) {
                select.setString(1, model);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getLong(1) : 0L;
                }
            }
        });
    }

    /** The digest of a published version, if it is. */
    Optional<String> bundle(String model, long version) {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT digest FROM bundles WHERE model = ? AND version = ?")) {
                select.setString(1, model);
                select.setLong(2, version);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
                }
            }
        });
    }

    void insertJob(JobSpec spec, String globalSha256, long globalSize, int dimension, long resultVersion, long now) {
        database.write(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM fl_jobs WHERE id = ?")) {
                select.setString(1, spec.id());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        throw ControlException.conflict("a federated job '" + spec.id() + "' exists already");
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fl_jobs (id, spec, state, round,"
                    + " global_sha256, global_size, dimension, result_version, created_at, updated_at)"
                    + " VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, spec.id());
                insert.setString(2, spec.toJson());
                insert.setString(3, RUNNING);
                insert.setString(4, globalSha256);
                insert.setLong(5, globalSize);
                insert.setLong(6, dimension);
                insert.setLong(7, resultVersion);
                insert.setLong(8, now);
                insert.setLong(9, now);
                insert.executeUpdate();
            }
            return null;
        });
    }

    Optional<Job> job(String id) {
        return database.read(connection -> job(connection, id));
    }

    private static Optional<Job> job(Connection connection, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + JOB_COLUMNS + " FROM fl_jobs WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(job(row)) : Optional.empty();
            }
        }
    }

    /** Every job, newest first; or those in {@code states} only. */
    List<Job> jobs(String... states) {
        return database.read(connection -> {
            String where = states.length == 0 ? "" : " WHERE state IN (" + "?, ".repeat(states.length - 1) + "?)";
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + JOB_COLUMNS + " FROM fl_jobs" + where + " ORDER BY created_at DESC, id")) {
                for (int i = 0; i < states.length; i++) {
                    select.setString(i + 1, states[i]);
                }
                List<Job> jobs = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        jobs.add(job(rows));
                    }
                }
                return jobs;
            }
        });
    }

    private static Job job(ResultSet row) throws SQLException {
        long rollout = row.getLong(12);
        Long rolloutId = row.wasNull() ? null : rollout;
        return new Job(
                row.getString(1),
                JobSpec.fromJson(row.getString(2)),
                row.getString(3),
                row.getString(4),
                row.getInt(5),
                row.getString(6),
                row.getLong(7),
                row.getInt(8),
                row.getBytes(9),
                row.getLong(10),
                row.getString(11),
                rolloutId,
                row.getLong(13),
                row.getLong(14));
    }

    /**
     * A job with its rounds and the accepted updates and refusals of each, read in one snapshot: a round that closes
     * while this reads shows either its state before with the counts before, or its state after with the counts
     * after, and the job's own state agrees with both. Empty when there is no such job.
     */
    Optional<History> history(String id) {
        return database.snapshot(connection -> {
            Optional<Job> job = job(connection, id);
            if (job.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(
                    new History(job.get(), rounds(connection, id), answered(connection, id), refusals(connection, id)));
        });
    }

    private static List<Round> rounds(Connection connection, String job) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + ROUND_COLUMNS + " FROM fl_rounds WHERE job_id = ? ORDER BY round")) {
            select.setString(1, job);
            List<Round> rounds = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    rounds.add(round(rows));
                }
            }
            return rounds;
        }
    }

    Optional<Round> openRound(String job) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + ROUND_COLUMNS + " FROM fl_rounds WHERE job_id = ? AND state = ?")) {
                select.setString(1, job);
                select.setString(2, OPEN);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(round(row)) : Optional.empty();
                }
            }
        });
    }

    private static Round round(ResultSet row) throws SQLException {
        return new Round(
                row.getInt(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getLong(5),
                row.getLong(6),
                row.getLong(7),
                nullableLong(row, 8),
                nullableDouble(row, 9),
                nullableDouble(row, 10),
                nullableDouble(row, 11),
                row.getString(12),
                nullableLong(row, 13));
    }

    private static Map<Integer, Map<String, Long>> refusals(Connection connection, String job) throws SQLException {
        Map<Integer, Map<String, Long>> counts = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT round, reason, count FROM fl_refusals WHERE job_id = ? ORDER BY round, reason")) {
            select.setString(1, job);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.computeIfAbsent(rows.getInt(1), round -> new LinkedHashMap<>())
                            .put(rows.getString(2), rows.getLong(3));
                }
            }
        }
        return counts;
    }

    /** Accepted updates of a round. */
    long answered(String job, int round) {
        return database.read(connection -> answered(connection, job, round));
    }

    private static long answered(Connection connection, String job, int round) throws SQLException {
        try (PreparedStatement count =
                connection.prepareStatement("SELECT COUNT(*) FROM fl_updates WHERE job_id = ? AND round = ?")) {
            count.setString(1, job);
            count.setLong(2, round);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static Map<Integer, Long> answered(Connection connection, String job) throws SQLException {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT round, COUNT(*) FROM fl_updates WHERE job_id = ? GROUP BY round")) {
            select.setString(1, job);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getInt(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    /** The opted-in devices of a target (with examples to train on), by id. */
    List<String> candidates(DeviceFilter filter) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT d.id FROM devices d"
                    + " JOIN fl_devices f ON f.device_id = d.id" + filter.where("d")
                    + " AND f.examples > 0 ORDER BY d.id")) {
                filter.bind(select, 1);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    void setReason(String job, String reason, long now) {
        database.write(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE fl_jobs SET reason = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, reason);
                update.setLong(2, now);
                update.setString(3, job);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Opens round {@code round} for {@code chosen}, unless the job moved on meanwhile; raises their revisions. */
    boolean openRound(Job job, int round, List<String> chosen, long now, long deadline) {
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE fl_jobs SET round = ?, reason = NULL,"
                    + " updated_at = ? WHERE id = ? AND round = ? AND state = ?")) {
                update.setLong(1, round);
                update.setLong(2, now);
                update.setString(3, job.id());
                update.setLong(4, round - 1);
                update.setString(5, RUNNING);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fl_rounds (job_id, round, state,"
                    + " global_sha256, global_size, opened_at, deadline_at, chosen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, job.id());
                insert.setLong(2, round);
                insert.setString(3, OPEN);
                insert.setString(4, job.globalSha256());
                insert.setLong(5, job.globalSize());
                insert.setLong(6, now);
                insert.setLong(7, deadline);
                insert.setLong(8, chosen.size());
                insert.executeUpdate();
            }
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO fl_cohort (job_id, round, device_id) VALUES (?, ?, ?)")) {
                for (String device : chosen) {
                    insert.setString(1, job.id());
                    insert.setLong(2, round);
                    insert.setString(3, device);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            touchCohort(connection, job.id(), round);
            return true;
        });
    }

    boolean chosen(String job, int round, String device) {
        return exists("SELECT 1 FROM fl_cohort WHERE job_id = ? AND round = ? AND device_id = ?", job, round, device);
    }

    boolean hasUpdate(String job, int round, String device) {
        return exists("SELECT 1 FROM fl_updates WHERE job_id = ? AND round = ? AND device_id = ?", job, round, device);
    }

    private boolean exists(String sql, String job, int round, String device) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, job);
                select.setLong(2, round);
                select.setString(3, device);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    /**
     * Stores an accepted update while its round is open and its deadline ahead, and takes the round's task from the
     * device's desired state; false when the device has one stored already or the round closed meanwhile.
     */
    boolean insertUpdate(
            String job,
            int round,
            String device,
            long examples,
            Map<String, Double> metrics,
            float[] delta,
            double norm,
            long now) {
        return database.write(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM fl_rounds WHERE job_id = ?"
                    + " AND round = ? AND state = ? AND deadline_at > ?" + database.forUpdate())) {
                select.setString(1, job);
                select.setLong(2, round);
                select.setString(3, OPEN);
                select.setLong(4, now);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fl_updates (job_id, round,"
                    + " device_id, examples, loss, accuracy, norm, delta, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (job_id, round, device_id) DO NOTHING")) {
                insert.setString(1, job);
                insert.setLong(2, round);
                insert.setString(3, device);
                insert.setLong(4, examples);
                setDouble(insert, 5, metrics.get("loss"));
                setDouble(insert, 6, metrics.get("accuracy"));
                insert.setDouble(7, norm);
                insert.setBytes(8, StoredUpdates.encode(delta));
                insert.setLong(9, now);
                if (insert.executeUpdate() != 1) {
                    return false;
                }
            }
            DesiredStates.touch(
                    connection, "SELECT id FROM devices WHERE id = ?", statement -> statement.setString(1, device));
            return true;
        });
    }

    void addRefusal(String job, int round, Refusal reason) {
        database.write(connection -> {
            addRefusal(connection, job, round, reason.code(), 1);
            return null;
        });
    }

    private static void addRefusal(Connection connection, String job, int round, String reason, long count)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO fl_refusals (job_id, round, reason,"
                + " count) VALUES (?, ?, ?, ?) ON CONFLICT (job_id, round, reason)"
                + " DO UPDATE SET count = fl_refusals.count + excluded.count")) {
            upsert.setString(1, job);
            upsert.setLong(2, round);
            upsert.setString(3, reason);
            upsert.setLong(4, count);
            upsert.executeUpdate();
        }
    }

    /**
     * Ends an open round with its aggregate: the new global model, the figures, the norm outliers refused; the job
     * goes on to its next round or to publishing. False when the round was closed meanwhile (another replica), or
     * took an update after the aggregation read them (one sent just before the deadline): that update was accepted,
     * so the round stays open and is aggregated again with it.
     */
    boolean aggregated(String job, int round, Aggregated result, long now) {
        return database.write(connection -> {
            // The lock orders this after any intake holding the round (insertUpdate locks it too), so the count
            // that follows sees every update that intake accepted.
            try (PreparedStatement lock = connection.prepareStatement("SELECT 1 FROM fl_rounds WHERE job_id = ?"
                    + " AND round = ? AND state = ?" + database.forUpdate())) {
                lock.setString(1, job);
                lock.setLong(2, round);
                lock.setString(3, OPEN);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return false;
                    }
                }
            }
            if (answered(connection, job, round)
                    != result.aggregated() + result.outliers().size()) {
                return false;
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE fl_rounds SET state = ?,"
                            + " aggregated = ?, eval_accuracy = ?, closed_at = ? WHERE job_id = ? AND round = ? AND state = ?")) {
                update.setString(1, AGGREGATED);
                update.setLong(2, result.aggregated());
                setDouble(update, 3, result.evalAccuracy());
                update.setLong(4, now);
                update.setString(5, job);
                update.setLong(6, round);
                update.setString(7, OPEN);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            if (!result.outliers().isEmpty()) {
                addRefusal(
                        connection,
                        job,
                        round,
                        Refusal.NORM_OUTLIER.code(),
                        result.outliers().size());
                try (PreparedStatement mark = connection.prepareStatement(
                        "UPDATE fl_updates SET screened = 1 WHERE job_id = ? AND round = ? AND device_id = ?")) {
                    for (String device : result.outliers()) {
                        mark.setString(1, job);
                        mark.setLong(2, round);
                        mark.setString(3, device);
                        mark.addBatch();
                    }
                    mark.executeBatch();
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE fl_rounds SET loss = (" + weighted("loss") + "), accuracy = ("
                            + weighted("accuracy") + ") WHERE job_id = ? AND round = ?")) {
                for (int i = 0; i < 2; i++) {
                    update.setString(2 * i + 1, job);
                    update.setLong(2 * i + 2, round);
                }
                update.setString(5, job);
                update.setLong(6, round);
                update.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE fl_jobs SET global_sha256 = ?,"
                    + " global_size = ?, optimizer_state = ?, state = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, result.globalSha256());
                update.setLong(2, result.globalSize());
                update.setBytes(3, result.optimizerState());
                update.setString(4, result.last() ? PUBLISHING : RUNNING);
                update.setLong(5, now);
                update.setString(6, job);
                update.executeUpdate();
            }
            touchCohort(connection, job, round);
            return true;
        });
    }

    /** The example-weighted mean of a local metric over a round's updates that passed the screen. */
    private static String weighted(String metric) {
        return "SELECT SUM(examples * " + metric + ") / SUM(CAST(examples AS DOUBLE PRECISION)) FROM fl_updates"
                + " WHERE job_id = ? AND round = ? AND screened = 0 AND " + metric + " IS NOT NULL";
    }

    /** Ends a round, and its job, for {@code reason}: too few replies, an operator's stop. */
    void endJob(String job, String state, String roundState, String reason, long now) {
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE fl_rounds SET state = ?, reason = ?," + " closed_at = ? WHERE job_id = ? AND state = ?")) {
                update.setString(1, roundState);
                update.setString(2, reason);
                update.setLong(3, now);
                update.setString(4, job);
                update.setString(5, OPEN);
                update.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE fl_jobs SET state = ?, reason = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, state);
                update.setString(2, reason);
                update.setLong(3, now);
                update.setString(4, job);
                update.executeUpdate();
            }
            DesiredStates.touch(
                    connection,
                    "SELECT device_id FROM fl_cohort WHERE job_id = ?",
                    statement -> statement.setString(1, job));
            return null;
        });
    }

    void completed(String job, String bundle, Long rolloutId, long now) {
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE fl_jobs SET state = ?, reason = NULL,"
                    + " result_bundle = ?, rollout_id = ?, updated_at = ? WHERE id = ? AND state = ?")) {
                update.setString(1, COMPLETED);
                update.setString(2, bundle);
                if (rolloutId == null) {
                    update.setNull(3, Types.BIGINT);
                } else {
                    update.setLong(3, rolloutId);
                }
                update.setLong(4, now);
                update.setString(5, job);
                update.setString(6, PUBLISHING);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The open round a device is chosen for and has not answered, as its task; empty for none. Read when a device's
     * desired state changed, with the rest of it.
     */
    Optional<FederatedTask> task(String device) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT j.id, r.round, r.global_sha256,"
                    + " r.global_size, r.deadline_at, j.spec FROM fl_cohort c"
                    + " JOIN fl_rounds r ON r.job_id = c.job_id AND r.round = c.round"
                    + " JOIN fl_jobs j ON j.id = c.job_id"
                    + " WHERE c.device_id = ? AND r.state = ? AND NOT EXISTS (SELECT 1 FROM fl_updates u"
                    + " WHERE u.job_id = c.job_id AND u.round = c.round AND u.device_id = c.device_id)"
                    + " ORDER BY r.opened_at, j.id")) {
                select.setString(1, device);
                select.setString(2, OPEN);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    JobSpec spec = JobSpec.fromJson(row.getString(6));
                    return Optional.of(new FederatedTask(
                            row.getString(1),
                            spec.model(),
                            row.getInt(2),
                            row.getString(3),
                            row.getLong(4),
                            spec.localEpochs(),
                            spec.batchSize(),
                            spec.learningRate(),
                            spec.proximalMu(),
                            spec.clipNorm(),
                            spec.encoding(),
                            row.getLong(5)));
                }
            }
        });
    }

    private static void touchCohort(Connection connection, String job, int round) throws SQLException {
        DesiredStates.touch(connection, "SELECT device_id FROM fl_cohort WHERE job_id = ? AND round = ?", statement -> {
            statement.setString(1, job);
            statement.setLong(2, round);
        });
    }

    static byte[] writeState(float[][] state) {
        int floats = 0;
        for (float[] vector : state) {
            floats += vector.length;
        }
        ByteBuffer buffer =
                ByteBuffer.allocate(4 + 4 * state.length + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(state.length);
        for (float[] vector : state) {
            buffer.putInt(vector.length);
        }
        for (float[] vector : state) {
            buffer.asFloatBuffer().put(vector);
            buffer.position(buffer.position() + 4 * vector.length);
        }
        return buffer.array();
    }

    static float[][] readState(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] state = new float[buffer.getInt()][];
        for (int i = 0; i < state.length; i++) {
            state[i] = new float[buffer.getInt()];
        }
        for (float[] vector : state) {
            buffer.asFloatBuffer().get(vector);
            buffer.position(buffer.position() + 4 * vector.length);
        }
        return state;
    }

    private static void setDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    private static Double nullableDouble(ResultSet row, int index) throws SQLException {
        double value = row.getDouble(index);
        return row.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet row, int index) throws SQLException {
        long value = row.getLong(index);
        return row.wasNull() ? null : value;
    }
}
