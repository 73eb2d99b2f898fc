package io.fogline.control.monitor;

import io.fogline.control.common.ControlException;
import io.fogline.control.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Alerts: opened once per condition and subject while it holds, acknowledged by an operator, resolved when it clears. */
public final class AlertStore {

    /** A condition found to hold now. */
    public record Firing(
            String kind,
            String subject,
            String deviceId,
            String model,
            String version,
            String message,
            double value,
            double threshold) {}

    private static final String COLUMNS = "id, kind, subject, device_id, model, version, message, value, threshold,"
            + " state, opened_at, updated_at, resolved_at";

    private final Database database;
    private final Clock clock;

    public AlertStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Opens an alert for each firing condition that has none live, and resolves the live alerts of {@code kinds}
     * whose condition no longer fires.
     *
     * @param autoResolved the kinds whose live alerts clear when they stop firing
     */
    public void apply(List<Firing> firing, Set<String> autoResolved) {
        long now = clock.millis();
        database.write(connection -> {
            Set<String> live = new java.util.HashSet<>();
            for (Firing alert : firing) {
                live.add(alert.kind() + '\u0000' + alert.subject());
                open(connection, alert, now);
            }
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, kind, subject FROM alerts WHERE state IN ('open', 'acknowledged')");
                    PreparedStatement resolve = connection.prepareStatement(
                            "UPDATE alerts SET state = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ?");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (autoResolved.contains(rows.getString(2))
                            && !live.contains(rows.getString(2) + '\u0000' + rows.getString(3))) {
                        resolve.setLong(1, now);
                        resolve.setLong(2, now);
                        resolve.setLong(3, rows.getLong(1));
                        resolve.addBatch();
                    }
                }
                resolve.executeBatch();
            }
            return null;
        });
    }

    private static void open(Connection connection, Firing alert, long now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO alerts (kind, subject, device_id,"
                + " model, version, message, value, threshold, state, opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?,"
                + " ?, ?, 'open', ?, ?) ON CONFLICT (kind, subject) WHERE state IN ('open', 'acknowledged') DO"
                + " NOTHING")) {
            insert.setString(1, alert.kind());
            insert.setString(2, alert.subject());
            insert.setString(3, alert.deviceId());
            insert.setString(4, alert.model());
            insert.setString(5, alert.version());
            insert.setString(6, alert.message());
            insert.setDouble(7, alert.value());
            insert.setDouble(8, alert.threshold());
            insert.setLong(9, now);
            insert.setLong(10, now);
            insert.executeUpdate();
        }
    }

    /** @param state null for every alert, else {@code open}, {@code acknowledged} or {@code resolved} */
    public List<Alert> list(String state) {
        if (state != null && !Set.of("open", "acknowledged", "resolved").contains(state)) {
            throw ControlException.invalid("state must be open, acknowledged or resolved, got '" + state + "'");
        }
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM alerts"
                    + (state == null ? "" : " WHERE state = ?") + " ORDER BY id DESC")) {
                if (state != null) {
                    select.setString(1, state);
                }
                return alerts(select);
            }
        });
    }

    public Alert get(long id) {
        return database.read(connection -> get(connection, id));
    }

    private static Alert get(Connection connection, long id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id = ?")) {
            select.setLong(1, id);
            List<Alert> found = alerts(select);
            if (found.isEmpty()) {
                throw ControlException.notFound("no alert " + id);
            }
            return found.getFirst();
        }
    }

    /** Marks an open alert as seen; acknowledging one already acknowledged or resolved changes nothing. */
    public Alert acknowledge(long id) {
        long now = clock.millis();
        return database.write(connection -> {
            get(connection, id);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE alerts SET state = 'acknowledged', updated_at = ? WHERE id = ? AND state = 'open'")) {
                update.setLong(1, now);
                update.setLong(2, id);
                update.executeUpdate();
            }
            return get(connection, id);
        });
    }

    /**
     * Alerts whose state the webhook has not heard yet, with fewer than {@code maxAttempts} tries: live ones not
     * delivered as opened, and resolved ones not delivered as resolved (an alert that cleared before its opening got
     * through is told once, resolved).
     */
    public List<Delivery> undelivered(int maxAttempts) {
        return database.read(connection -> {
            List<Delivery> pending = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + ", CASE WHEN state ="
                    + " 'resolved' THEN resolution_attempts ELSE attempts END FROM alerts WHERE"
                    + " (state <> 'resolved' AND notified = 0 AND attempts < ?)"
                    + " OR (state = 'resolved' AND resolution_notified = 0 AND resolution_attempts < ?) ORDER BY id")) {
                select.setLong(1, maxAttempts);
                select.setLong(2, maxAttempts);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        pending.add(new Delivery(alert(rows), rows.getLong(14)));
                    }
                }
            }
            return pending;
        });
    }

    /** An alert to tell the webhook about in its state now, and the tries made so far. */
    public record Delivery(Alert alert, long attempts) {
        boolean resolution() {
            return alert.state().equals("resolved");
        }
    }

    /**
     * Takes the next try of a delivery: false when another replica took it first, so each try is made once. A replica
     * that dies between taking a try and recording its success leaves the alert to be sent again: deliveries are at
     * least once.
     */
    public boolean take(Delivery delivery) {
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    delivery.resolution()
                            ? "UPDATE alerts SET resolution_attempts = resolution_attempts + 1 WHERE id = ?"
                                    + " AND resolution_attempts = ? AND resolution_notified = 0"
                            : "UPDATE alerts SET attempts = attempts + 1 WHERE id = ? AND attempts = ? AND notified = 0")) {
                update.setLong(1, delivery.alert().id());
                update.setLong(2, delivery.attempts());
                return update.executeUpdate() == 1;
            }
        });
    }

    public void delivered(Delivery delivery) {
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    delivery.resolution()
                            ? "UPDATE alerts SET resolution_notified = 1 WHERE id = ?"
                            : "UPDATE alerts SET notified = 1 WHERE id = ?")) {
                update.setLong(1, delivery.alert().id());
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Live (open or acknowledged) alerts, for the metrics. */
    public long live() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT COUNT(*) FROM alerts WHERE state IN ('open', 'acknowledged')");
                    ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    private static List<Alert> alerts(PreparedStatement select) throws SQLException {
        List<Alert> alerts = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                alerts.add(alert(rows));
            }
        }
        return alerts;
    }

    private static Alert alert(ResultSet rows) throws SQLException {
        return new Alert(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getString(6),
                rows.getString(7),
                nullableDouble(rows, 8),
                nullableDouble(rows, 9),
                rows.getString(10),
                Instant.ofEpochMilli(rows.getLong(11)).toString(),
                Instant.ofEpochMilli(rows.getLong(12)).toString(),
                rows.getObject(13) == null
                        ? null
                        : Instant.ofEpochMilli(rows.getLong(13)).toString());
    }

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }
}
