package io.fogline.control.monitor;

import io.fogline.control.store.Database;
import io.fogline.core.telemetry.DeviceHealth;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Devices' telemetry windows and events, each batch applied once by its id. */
public final class TelemetryStore {

    /** A stored window of one device and model version. */
    public record StoredWindow(String deviceId, ModelWindow figures, Instant start, Instant end, long seconds) {}

    /** A stored window of one device's health. */
    public record StoredHealth(String deviceId, Instant start, Instant end, DeviceHealth health) {}

    private final Database database;
    private final Clock clock;

    public TelemetryStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Stores a batch; false when the device sent this batch id before (nothing is stored twice). */
    public boolean accept(String deviceId, TelemetryBatch batch) {
        long now = clock.millis();
        return database.write(connection -> {
            if (!claim(connection, deviceId, batch, now)) {
                return false;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO telemetry_windows (device_id,"
                    + " model, version, start_ms, end_ms, seconds, requests, errors, escalations, cache_hits, p50_ms,"
                    + " p95_ms, p99_ms, bytes_upstream, bytes_cloud_only, received_at, body) VALUES (?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (TelemetryWindow window : batch.windows()) {
                    for (ModelWindow model : window.models()) {
                        insert.setString(1, deviceId);
                        insert.setString(2, model.model());
                        insert.setString(3, model.version());
                        insert.setLong(4, window.startInstant().toEpochMilli());
                        insert.setLong(5, window.endInstant().toEpochMilli());
                        insert.setLong(6, window.seconds());
                        insert.setLong(7, model.requestTotal());
                        insert.setLong(8, model.errorTotal());
                        insert.setLong(9, model.escalationTotal());
                        insert.setLong(10, model.cacheHits());
                        setQuantile(insert, 11, model, 0.50);
                        setQuantile(insert, 12, model, 0.95);
                        setQuantile(insert, 13, model, 0.99);
                        insert.setLong(14, model.bytesUpstream());
                        insert.setLong(15, model.bytesCloudOnly());
                        insert.setLong(16, now);
                        insert.setString(17, new String(TelemetryJson.write(model), StandardCharsets.UTF_8));
                        insert.addBatch();
                    }
                }
                insert.executeBatch();
            }
            insertHealth(connection, deviceId, batch, now);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO device_events (device_id, at, kind, model, detail, count) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (NodeEvent event : batch.events()) {
                    insert.setString(1, deviceId);
                    insert.setLong(2, Instant.parse(event.at()).toEpochMilli());
                    insert.setString(3, event.kind());
                    insert.setString(4, event.model());
                    insert.setString(5, event.detail());
                    insert.setLong(6, event.count());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return true;
        });
    }

    private static void insertHealth(Connection connection, String deviceId, TelemetryBatch batch, long now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device_health_windows (device_id,"
                + " start_ms, end_ms, seconds, cpu_busy, memory_total, memory_available_min, disk_total, disk_free_min,"
                + " hottest_celsius, throttle_events, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?)")) {
            for (TelemetryWindow window : batch.windows()) {
                DeviceHealth health = window.health();
                if (health == null) {
                    continue;
                }
                insert.setString(1, deviceId);
                insert.setLong(2, window.startInstant().toEpochMilli());
                insert.setLong(3, window.endInstant().toEpochMilli());
                insert.setLong(4, window.seconds());
                insert.setDouble(5, health.cpuBusy());
                insert.setLong(6, health.memoryTotalBytes());
                insert.setLong(7, health.memoryAvailableMinBytes());
                insert.setLong(8, health.diskTotalBytes());
                insert.setLong(9, health.diskFreeMinBytes());
                if (Double.isNaN(health.hottestCelsius())) {
                    insert.setNull(10, java.sql.Types.DOUBLE);
                } else {
                    insert.setDouble(10, health.hottestCelsius());
                }
                insert.setLong(11, health.throttleEvents());
                insert.setLong(12, now);
                insert.setString(13, new String(TelemetryJson.write(health), StandardCharsets.UTF_8));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Devices' health windows that ended in {@code [from, to)}, oldest first, optionally of one device. */
    public List<StoredHealth> health(Instant from, Instant to, String deviceId) {
        return database.read(connection -> {
            String sql = "SELECT device_id, start_ms, end_ms, body FROM device_health_windows WHERE end_ms > ? AND"
                    + " end_ms <= ?" + (deviceId == null ? "" : " AND device_id = ?") + " ORDER BY end_ms, id";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setLong(1, from.toEpochMilli());
                select.setLong(2, to.toEpochMilli());
                if (deviceId != null) {
                    select.setString(3, deviceId);
                }
                List<StoredHealth> windows = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        windows.add(new StoredHealth(
                                rows.getString(1),
                                Instant.ofEpochMilli(rows.getLong(2)),
                                Instant.ofEpochMilli(rows.getLong(3)),
                                TelemetryJson.read(
                                        rows.getString(4).getBytes(StandardCharsets.UTF_8), DeviceHealth.class)));
                    }
                }
                return windows;
            }
        });
    }

    /** Records the batch id; false when it was there already. Concurrent copies of one batch: one claims it. */
    private static boolean claim(Connection connection, String deviceId, TelemetryBatch batch, long now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO telemetry_batches (device_id,"
                        + " batch_id, windows, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (device_id, batch_id) DO NOTHING")) {
            insert.setString(1, deviceId);
            insert.setString(2, batch.batchId());
            insert.setLong(3, batch.windows().size());
            insert.setLong(4, now);
            return insert.executeUpdate() == 1;
        }
    }

    private static void setQuantile(PreparedStatement insert, int column, ModelWindow model, double q)
            throws SQLException {
        double value = model.latencyMs().quantileMs(q);
        if (Double.isNaN(value)) {
            insert.setNull(column, java.sql.Types.DOUBLE);
        } else {
            insert.setDouble(column, value);
        }
    }

    /**
     * Windows that ended in {@code [from, to)}, oldest first, optionally of one device and one model.
     *
     * @param deviceId null for every device
     * @param model null for every model
     */
    public List<StoredWindow> windows(Instant from, Instant to, String deviceId, String model) {
        return database.read(connection -> {
            StringBuilder sql = new StringBuilder(
                    "SELECT device_id, start_ms, end_ms, seconds, body FROM telemetry_windows WHERE end_ms > ? AND"
                            + " end_ms <= ?");
            if (deviceId != null) {
                sql.append(" AND device_id = ?");
            }
            if (model != null) {
                sql.append(" AND model = ?");
            }
            sql.append(" ORDER BY end_ms, id");
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                int i = 1;
                select.setLong(i++, from.toEpochMilli());
                select.setLong(i++, to.toEpochMilli());
                if (deviceId != null) {
                    select.setString(i++, deviceId);
                }
                if (model != null) {
                    select.setString(i, model);
                }
                List<StoredWindow> windows = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        windows.add(new StoredWindow(
                                rows.getString(1),
                                TelemetryJson.read(
                                        rows.getString(5).getBytes(StandardCharsets.UTF_8), ModelWindow.class),
                                Instant.ofEpochMilli(rows.getLong(2)),
                                Instant.ofEpochMilli(rows.getLong(3)),
                                rows.getLong(4)));
                    }
                }
                return windows;
            }
        });
    }

    /** Telemetry batches applied and refused as duplicates since start, for the metrics. */
    public long batches() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM telemetry_batches");
                    ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }
}
