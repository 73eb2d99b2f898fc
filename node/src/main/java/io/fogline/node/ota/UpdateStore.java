package io.fogline.node.ota;

import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.Quality;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The node's durable update state in SQLite: its credential, the report counter, each action's step, the active and
 * previous slot of each model, and the reports not yet acknowledged. Every change is one transaction, synced to
 * disk before it returns (WAL, synchronous=FULL), so a kill leaves either the old state or the new one.
 */
final class UpdateStore implements AutoCloseable {

    record Credential(String deviceId, String secret) {}

    record Action(
            long actionId,
            String model,
            long version,
            String bundle,
            Step step,
            String outcome,
            String reason,
            Quality quality) {}

    /** A model's slots: the version that serves, and the one kept to fall back on. */
    record Slots(String model, long activeVersion, String activeBundle, Long previousVersion, String previousBundle) {}

    record Report(long seq, String body) {}

    private final Connection connection;

    private UpdateStore(Connection connection) {
        this.connection = connection;
    }

    static UpdateStore open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("PRAGMA busy_timeout=5000");
                statement.execute("CREATE TABLE IF NOT EXISTS device (id INTEGER PRIMARY KEY CHECK (id = 1),"
                        + " device_id TEXT NOT NULL, credential TEXT NOT NULL, next_seq INTEGER NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS actions (action_id INTEGER PRIMARY KEY,"
                        + " model TEXT NOT NULL, version INTEGER NOT NULL, bundle TEXT NOT NULL, step TEXT NOT NULL,"
                        + " outcome TEXT, reason TEXT, quality TEXT)");
                statement.execute("CREATE TABLE IF NOT EXISTS slots (model TEXT PRIMARY KEY,"
                        + " active_version INTEGER NOT NULL, active_bundle TEXT NOT NULL,"
                        + " previous_version INTEGER, previous_bundle TEXT)");
                statement.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
            }
            connection.setAutoCommit(false);
            return new UpdateStore(connection);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the update state " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized Optional<Credential> credential() {
        return read(
                        "SELECT device_id, credential FROM device WHERE id = 1",
                        row -> new Credential(row.getString(1), row.getString(2)))
                .stream()
                .findFirst();
    }

    synchronized void saveCredential(Credential credential) {
        transaction(() -> update(
                "INSERT INTO device (id, device_id, credential, next_seq) VALUES (1, ?, ?, 1)"
                        + " ON CONFLICT(id) DO UPDATE SET device_id = excluded.device_id,"
                        + " credential = excluded.credential",
                credential.deviceId(),
                credential.secret()));
    }

    synchronized Optional<Action> action(long actionId) {
        return read("SELECT * FROM actions WHERE action_id = ?", UpdateStore::action, actionId).stream()
                .findFirst();
    }

    synchronized List<Action> unfinished() {
        return read("SELECT * FROM actions WHERE step <> 'DONE' ORDER BY action_id", UpdateStore::action);
    }

    /** Records a new action at its first step, with the report of that step. */
    synchronized void start(Action action, LongFunction<String> report) {
        transaction(() -> {
            update(
                    "INSERT INTO actions (action_id, model, version, bundle, step) VALUES (?, ?, ?, ?, ?)",
                    action.actionId(),
                    action.model(),
                    action.version(),
                    action.bundle(),
                    action.step().name());
            if (report != null) {
                enqueue(report);
            }
        });
    }

    /**
     * Moves an action forward to {@code step}, queuing {@code report} (given the report's seq) when it does; a step
     * the action has already reached changes nothing, so a resumed action does not report twice.
     */
    synchronized void advance(long actionId, Step step, LongFunction<String> report) {
        advance(actionId, step, null, report);
    }

    /** As {@link #advance(long, Step, LongFunction)}, keeping the quality figures a report will carry. */
    synchronized void advance(long actionId, Step step, Quality quality, LongFunction<String> report) {
        transaction(() -> {
            Step current = query("SELECT * FROM actions WHERE action_id = ?", UpdateStore::action, actionId)
                    .getFirst()
                    .step();
            if (step.ordinal() > current.ordinal()) {
                update("UPDATE actions SET step = ? WHERE action_id = ?", step.name(), actionId);
                if (quality != null) {
                    update(
                            "UPDATE actions SET quality = ? WHERE action_id = ?",
                            new String(ProtocolJson.write(quality), StandardCharsets.UTF_8),
                            actionId);
                }
                if (report != null) {
                    enqueue(report);
                }
            }
        });
    }

    /** Ends an action with its outcome (switched or failed) and queues the report that says so. */
    synchronized void conclude(long actionId, String outcome, String reason, Slots slots, LongFunction<String> report) {
        transaction(() -> {
            update(
                    "UPDATE actions SET step = ?, outcome = ?, reason = ? WHERE action_id = ?",
                    Step.REPORTING.name(),
                    outcome,
                    reason,
                    actionId);
            if (slots != null) {
                update(
                        "INSERT OR REPLACE INTO slots (model, active_version, active_bundle, previous_version,"
                                + " previous_bundle) VALUES (?, ?, ?, ?, ?)",
                        slots.model(),
                        slots.activeVersion(),
                        slots.activeBundle(),
                        slots.previousVersion(),
                        slots.previousBundle());
            }
            enqueue(report);
        });
    }

    synchronized void done(long actionId) {
        transaction(() -> update("UPDATE actions SET step = ? WHERE action_id = ?", Step.DONE.name(), actionId));
    }

    synchronized Optional<Slots> slots(String model) {
        return read(
                        "SELECT model, active_version, active_bundle, previous_version, previous_bundle FROM slots"
                                + " WHERE model = ?",
                        row -> new Slots(
                                row.getString(1),
                                row.getLong(2),
                                row.getString(3),
                                nullableLong(row, 4),
                                row.getString(5)),
                        model)
                .stream()
                .findFirst();
    }

    synchronized List<Report> outbox() {
        return read("SELECT seq, body FROM outbox ORDER BY seq", row -> new Report(row.getLong(1), row.getString(2)));
    }

    synchronized void acknowledged(long seq) {
        transaction(() -> update("DELETE FROM outbox WHERE seq = ?", seq));
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the update state failed: " + e.getMessage(), e);
        }
    }

    private void enqueue(LongFunction<String> report) throws SQLException {
        long seq = query("SELECT next_seq FROM device WHERE id = 1", row -> row.getLong(1)).stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("a report before enrolment"));
        update("UPDATE device SET next_seq = ? WHERE id = 1", seq + 1);
        update("INSERT INTO outbox (seq, body) VALUES (?, ?)", seq, report.apply(seq));
    }

    private static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static Action action(ResultSet row) throws SQLException {
        return new Action(
                row.getLong("action_id"),
                row.getString("model"),
                row.getLong("version"),
                row.getString("bundle"),
                Step.valueOf(row.getString("step")),
                row.getString("outcome"),
                row.getString("reason"),
                row.getString("quality") == null
                        ? null
                        : ProtocolJson.read(row.getString("quality").getBytes(StandardCharsets.UTF_8), Quality.class));
    }

    private interface Work {
        void run() throws SQLException;
    }

    private interface Read<T> {
        T get() throws SQLException;
    }

    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private void transaction(Work work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    private <T> T inTransaction(Read<T> work) {
        try {
            try {
                T result = work.get();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the update state could not be used: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.executeUpdate();
        }
    }

    private <T> List<T> query(String sql, RowReader<T> reader, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            List<T> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(reader.read(result));
                }
            }
            return rows;
        }
    }

    private <T> List<T> read(String sql, RowReader<T> reader, Object... parameters) {
        return inTransaction(() -> query(sql, reader, parameters));
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
