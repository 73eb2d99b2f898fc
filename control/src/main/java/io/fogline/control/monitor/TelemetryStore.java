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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;

/**
 * Devices' telemetry windows and events, each batch applied once by its id, within the device's quota and the
 * retention.
 */
public final class TelemetryStore {

    /** A stored window of one device and model version. */
    public record StoredWindow(String deviceId, ModelWindow figures, Instant start, Instant end, long seconds) {}

    /** A stored window of one device's health. */
    public record StoredHealth(String deviceId, Instant start, Instant end, DeviceHealth health) {}

    /**
     * What became of a batch: whether it was applied (false for a batch id seen before), and the model windows and
     * events the quota dropped, by reason.
     */
    public record Stored(boolean applied, Map<String, Integer> dropped) {}

    private static final int MAX_EVENT_TEXT = 1024;
    /** Few enough that a transaction of hourly buckets of 5 s windows holds some 46,000 rows at most. */
    private static final int BUCKETS_PER_TRANSACTION = 64;

    private static final String INSERT_WINDOW = "INSERT INTO telemetry_windows (device_id, model, version, start_ms,"
            + " end_ms, seconds, requests, errors, escalations, cache_hits, p50_ms, p95_ms, p99_ms, bytes_upstream,"
            + " bytes_cloud_only, received_at, body, windows, bucket_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_HEALTH = "INSERT INTO device_health_windows (device_id, start_ms, end_ms,"
            + " seconds, cpu_busy, memory_total, memory_available_min, disk_total, disk_free_min, hottest_celsius,"
            + " throttle_events, received_at, body, bucket_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String WINDOW_COLUMNS =
            "SELECT device_id, start_ms, end_ms, seconds, body FROM telemetry_windows";
    private static final String HEALTH_COLUMNS = "SELECT device_id, start_ms, end_ms, body FROM device_health_windows";
    /** Windows that ended in a span: its bounds are the first two parameters, as {@link #spanOf} gives them. */
    private static final String IN_SPAN = " WHERE end_ms > ? AND end_ms <= ?";

    private static final int STREAMED_ROWS = 500;

    private final Database database;
    private final Clock clock;
    private final TelemetryQuota quota;

    public TelemetryStore(Database database, Clock clock, TelemetryQuota quota) {
        this.database = database;
        this.clock = clock;
        this.quota = quota;
    }

    /** Stores what the quota allows of a batch, once per batch id. */
    public Stored accept(String deviceId, TelemetryBatch batch) {
        long now = clock.millis();
        return database.write(connection -> {
            if (!claim(connection, deviceId, batch, now)) {
                return new Stored(false, Map.of());
            }
            Map<String, Integer> dropped = new TreeMap<>();
            Set<String> models = otherModelsStored(connection, deviceId, now);
            int otherModelsLeft = quota.maxOtherModels() - models.size();
            models.addAll(modelsGiven(connection, deviceId));
            long windowsLeft = quota.maxWindowsPerDay() - windowsOfLastDay(connection, deviceId, now);
            long oldest = now - quota.retention().toMillis();
            long latest = now + TelemetryQuota.CLOCK_SKEW.toMillis();
            try (PreparedStatement insert = connection.prepareStatement(INSERT_WINDOW)) {
                for (TelemetryWindow window : batch.windows()) {
                    long end = window.endInstant().toEpochMilli();
                    for (ModelWindow model : window.models()) {
                        String body = new String(TelemetryJson.write(model), StandardCharsets.UTF_8);
                        String refusal = null;
                        if (end <= oldest || end > latest) {
                            refusal = "out_of_time";
                        } else if (body.length() > quota.maxWindowBytes()) {
                            refusal = "too_large";
                        } else if (!models.contains(model.model())) {
                            if (otherModelsLeft > 0 && isName(model.model())) {
                                otherModelsLeft--;
                                models.add(model.model());
                            } else {
                                refusal = "unknown_model";
                            }
                        }
                        if (refusal == null && windowsLeft <= 0) {
                            refusal = "daily_quota";
                        }
                        if (refusal != null) {
                            dropped.merge(refusal, 1, Integer::sum);
                            continue;
                        }
                        windowsLeft--;
                        setWindow(insert, deviceId, model, window.startInstant().toEpochMilli(), end, window.seconds());
                        insert.setLong(16, now);
                        insert.setString(17, body);
                        insert.setLong(18, 1);
                        insert.setLong(19, 0);
                        insert.addBatch();
                    }
                }
                insert.executeBatch();
            }
            insertHealth(connection, deviceId, batch, now, oldest, latest, dropped);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO device_events (device_id, at, kind, model, detail, count) VALUES (?, ?, ?, ?, ?, ?)")) {
                int eventsLeft = quota.maxEventsPerBatch();
                for (NodeEvent event : batch.events()) {
                    long at = Instant.parse(event.at()).toEpochMilli();
                    if (eventsLeft == 0 || at <= oldest || at > latest) {
                        dropped.merge(eventsLeft == 0 ? "events_quota" : "out_of_time", 1, Integer::sum);
                        continue;
                    }
                    eventsLeft--;
                    insert.setString(1, deviceId);
                    insert.setLong(2, at);
                    insert.setString(3, cut(event.kind()));
                    insert.setString(4, cut(event.model()));
                    insert.setString(5, cut(event.detail()));
                    insert.setLong(6, event.count());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return new Stored(true, dropped);
        });
    }

    /** The models the control plane gave the device or the device reported running: always allowed. */
    private static Set<String> modelsGiven(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT model FROM desired_models WHERE"
                + " device_id = ? UNION SELECT model FROM device_running WHERE device_id = ?")) {
            select.setString(1, deviceId);
            select.setString(2, deviceId);
            return strings(select);
        }
    }

    /** The models beyond those given that the device stored windows of within the retention. */
    private Set<String> otherModelsStored(Connection connection, String deviceId, long now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT DISTINCT model FROM telemetry_windows WHERE device_id = ? AND end_ms > ? AND model NOT IN"
                        + " (SELECT model FROM desired_models WHERE device_id = ? UNION SELECT model FROM"
                        + " device_running WHERE device_id = ?)")) {
            select.setString(1, deviceId);
            select.setLong(2, now - quota.retention().toMillis());
            select.setString(3, deviceId);
            select.setString(4, deviceId);
            return strings(select);
        }
    }

    private static Set<String> strings(PreparedStatement select) throws SQLException {
        Set<String> values = new HashSet<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** Windows as the device sent them within the last day: a down-sampled row counts each window it holds. */
    private static long windowsOfLastDay(Connection connection, String deviceId, long now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COALESCE(SUM(windows), 0) FROM telemetry_windows WHERE device_id = ? AND end_ms > ?")) {
            select.setString(1, deviceId);
            select.setLong(2, now - Duration.ofDays(1).toMillis());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** A model name as a model repository allows it: a directory name of letters, digits, {@code . _ -}. */
    private static boolean isName(String model) {
        return model.length() <= 128 && model.matches("[A-Za-z0-9][A-Za-z0-9._-]*");
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_EVENT_TEXT ? text : text.substring(0, MAX_EVENT_TEXT);
    }

    /** Deletes the windows, events and batch ids older than the retention; the number of rows deleted. */
    public int deleteExpired() {
        long oldest = clock.millis() - quota.retention().toMillis();
        return database.write(connection -> {
            int deleted = 0;
            for (String sql : new String[] {
                "DELETE FROM telemetry_windows WHERE end_ms <= ?",
                "DELETE FROM device_health_windows WHERE end_ms <= ?",
                "DELETE FROM device_events WHERE at <= ?",
                "DELETE FROM telemetry_batches WHERE received_at <= ?"
            }) {
                try (PreparedStatement delete = connection.prepareStatement(sql)) {
                    delete.setLong(1, oldest);
                    deleted += delete.executeUpdate();
                }
            }
            return deleted;
        });
    }

    /**
     * What a down-sampling pass did: how many rows it merged, and into how many.
     *
     * @param merged rows (model and health windows) replaced
     * @param into rows that replaced them
     */
    public record Downsampled(long merged, long into) {
        Downsampled plus(Downsampled other) {
            return new Downsampled(merged + other.merged, into + other.into);
        }
    }

    /**
     * One table that down-sampling merges: the columns besides the device that a bucket's rows share, the column that
     * counts the windows a row holds, the body's type and how two bodies add up, and how a bucket's sum is inserted.
     */
    private record Kind<T>(
            String table,
            List<String> key,
            String windowsColumn,
            Class<T> body,
            BinaryOperator<T> merge,
            MergedRowWriter<T> writer) {}

    @FunctionalInterface
    private interface MergedRowWriter<T> {
        void insert(Connection connection, Bucket bucket, Rows<T> rows, long size) throws SQLException;
    }

    private static final Kind<ModelWindow> MODEL_WINDOWS = new Kind<>(
            "telemetry_windows",
            List.of("model", "version"),
            "windows",
            ModelWindow.class,
            ModelWindow::merge,
            (connection, bucket, rows, size) -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT_WINDOW)) {
                    setWindow(insert, bucket.deviceId(), rows.sum, rows.start, rows.end, rows.seconds);
                    insert.setLong(16, rows.receivedAt);
                    insert.setString(17, new String(TelemetryJson.write(rows.sum), StandardCharsets.UTF_8));
                    insert.setLong(18, rows.windows);
                    insert.setLong(19, size);
                    insert.executeUpdate();
                }
            });

    private static final Kind<DeviceHealth> HEALTH_WINDOWS = new Kind<>(
            "device_health_windows",
            List.of(),
            "1",
            DeviceHealth.class,
            DeviceHealth::merge,
            (connection, bucket, rows, size) -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT_HEALTH)) {
                    setHealth(insert, bucket.deviceId(), rows.start, rows.end, rows.seconds, rows.sum);
                    insert.setLong(12, rows.receivedAt);
                    insert.setString(13, new String(TelemetryJson.write(rows.sum), StandardCharsets.UTF_8));
                    insert.setLong(14, size);
                    insert.executeUpdate();
                }
            });

    /** A bucket of one device's rows of a kind: the values of the kind's key columns, and the span it covers. */
    private record Bucket(String deviceId, List<String> key, long from, long to) {}

    /**
     * Merges the windows older than each down-sampling tier's age into one per bucket, tier by tier. Buckets are
     * merged in transactions of up to {@value #BUCKETS_PER_TRANSACTION}, each bucket's rows deleted and their sum
     * inserted: a pass stopped anywhere has merged some buckets wholly and left the rest as they were, and the next
     * pass merges what is left, so no window is lost or counted twice. A window that arrives late for a bucket merged
     * already is merged into it by the next pass.
     */
    public Downsampled downsample() {
        long now = clock.millis();
        Downsampled done = new Downsampled(0, 0);
        for (Downsampling.Tier tier : quota.downsampling().tiers()) {
            long size = tier.bucket().toMillis();
            long upTo = Math.floorDiv(now - tier.after().toMillis(), size) * size;
            done = done.plus(downsample(MODEL_WINDOWS, size, upTo)).plus(downsample(HEALTH_WINDOWS, size, upTo));
        }
        return done;
    }

    private <T> Downsampled downsample(Kind<T> kind, long size, long upTo) {
        Downsampled done = new Downsampled(0, 0);
        for (List<Bucket> page = buckets(kind, size, upTo); !page.isEmpty(); page = buckets(kind, size, upTo)) {
            for (int from = 0; from < page.size(); from += BUCKETS_PER_TRANSACTION) {
                List<Bucket> some = page.subList(from, Math.min(page.size(), from + BUCKETS_PER_TRANSACTION));
                done = done.plus(database.write(connection -> {
                    Downsampled merged = new Downsampled(0, 0);
                    for (Bucket bucket : some) {
                        merged = merged.plus(merge(connection, kind, bucket, size));
                    }
                    return merged;
                }));
            }
        }
        return done;
    }

    /**
     * Up to a thousand buckets of {@code size} that end by {@code upTo} and hold a row finer than {@code size}. A
     * merged bucket holds none, so asking again pages on.
     */
    private List<Bucket> buckets(Kind<?> kind, long size, long upTo) {
        String key = String.join(", ", columns(kind));
        // The size is inlined, a number: a parameter in both the list and GROUP BY is two expressions to PostgreSQL.
        String bucketOf = "(end_ms - 1) / " + size;
        String sql = "SELECT " + key + ", " + bucketOf + " FROM " + kind.table() + " WHERE bucket_ms < ? AND end_ms"
                + " <= ? GROUP BY " + key + ", " + bucketOf + " ORDER BY " + key + ", " + bucketOf + " LIMIT 1000";
        List<Bucket> buckets = new ArrayList<>();
        int bucketColumn = kind.key().size() + 2;
        read(
                sql,
                rows -> {
                    List<String> values = new ArrayList<>(kind.key().size());
                    for (int i = 0; i < kind.key().size(); i++) {
                        values.add(rows.getString(i + 2));
                    }
                    long bucket = rows.getLong(bucketColumn);
                    return new Bucket(rows.getString(1), values, bucket * size, (bucket + 1) * size);
                },
                buckets::add,
                List.of(size, upTo));
        return buckets;
    }

    private static List<String> columns(Kind<?> kind) {
        List<String> columns = new ArrayList<>(List.of("device_id"));
        columns.addAll(kind.key());
        return columns;
    }

    /** A bucket's rows as read: their ids, the span and seconds they cover, the windows they hold, their sum. */
    private static final class Rows<T> {
        final List<Long> ids = new ArrayList<>();
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long seconds;
        long windows;
        long receivedAt;
        T sum;
    }

    /**
     * Replaces a bucket's rows by their sum: deletes exactly the rows read (locked where the database locks rows,
     * never rows that arrived since) and inserts one row in their place.
     */
    private <T> Downsampled merge(Connection connection, Kind<T> kind, Bucket bucket, long size) throws SQLException {
        Rows<T> read = new Rows<>();
        StringBuilder sameKey = new StringBuilder();
        for (String column : kind.key()) {
            sameKey.append(" AND ").append(column).append(" = ?");
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT id, start_ms, end_ms, seconds, "
                + kind.windowsColumn() + ", received_at, body FROM " + kind.table() + " WHERE device_id = ? AND"
                + " end_ms > ? AND end_ms <= ?" + sameKey + " ORDER BY end_ms, id" + database.forUpdate())) {
            select.setString(1, bucket.deviceId());
            select.setLong(2, bucket.from());
            select.setLong(3, bucket.to());
            for (int i = 0; i < bucket.key().size(); i++) {
                select.setString(4 + i, bucket.key().get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    read.ids.add(rows.getLong(1));
                    read.start = Math.min(read.start, rows.getLong(2));
                    read.end = Math.max(read.end, rows.getLong(3));
                    read.seconds += rows.getLong(4);
                    read.windows += rows.getLong(5);
                    read.receivedAt = Math.max(read.receivedAt, rows.getLong(6));
                    T figures = TelemetryJson.read(rows.getString(7).getBytes(StandardCharsets.UTF_8), kind.body());
                    read.sum = read.sum == null ? figures : kind.merge().apply(read.sum, figures);
                }
            }
        }
        if (read.sum == null) {
            return new Downsampled(0, 0);
        }
        delete(connection, kind.table(), read.ids);
        kind.writer().insert(connection, bucket, read, size);
        return new Downsampled(read.ids.size(), 1);
    }

    /** Deletes rows by id. */
    private static void delete(Connection connection, String table, List<Long> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            for (long id : ids) {
                delete.setLong(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /** Each window's device health, within the same time limits and size cap as its model windows. */
    private void insertHealth(
            Connection connection,
            String deviceId,
            TelemetryBatch batch,
            long now,
            long oldest,
            long latest,
            Map<String, Integer> dropped)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_HEALTH)) {
            for (TelemetryWindow window : batch.windows()) {
                DeviceHealth health = window.health();
                if (health == null) {
                    continue;
                }
                long end = window.endInstant().toEpochMilli();
                String body = new String(TelemetryJson.write(health), StandardCharsets.UTF_8);
                String refusal = end <= oldest || end > latest
                        ? "out_of_time"
                        : body.length() > quota.maxWindowBytes() ? "too_large" : null;
                if (refusal != null) {
                    dropped.merge(refusal, 1, Integer::sum);
                    continue;
                }
                setHealth(insert, deviceId, window.startInstant().toEpochMilli(), end, window.seconds(), health);
                insert.setLong(12, now);
                insert.setString(13, body);
                insert.setLong(14, 0);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Devices' health windows that ended in {@code [from, to)}, oldest first, optionally of one device. */
    public List<StoredHealth> health(Instant from, Instant to, String deviceId) {
        List<StoredHealth> windows = new ArrayList<>();
        read(
                HEALTH_COLUMNS + IN_SPAN + (deviceId == null ? "" : " AND device_id = ?") + " ORDER BY end_ms, id",
                TelemetryStore::health,
                windows::add,
                spanOf(from, to, deviceId));
        return windows;
    }

    /**
     * Every device's health windows that ended in {@code [from, to)}, device after device, each handed to {@code visit}
     * as it is read: a pass over the fleet holds what its visitor keeps, not the span's windows.
     */
    public void eachHealthByDevice(Instant from, Instant to, Consumer<StoredHealth> visit) {
        read(
                HEALTH_COLUMNS + IN_SPAN + " ORDER BY device_id, end_ms, id",
                TelemetryStore::health,
                visit,
                spanOf(from, to));
    }

    private static StoredHealth health(ResultSet rows) throws SQLException {
        return new StoredHealth(
                rows.getString(1),
                Instant.ofEpochMilli(rows.getLong(2)),
                Instant.ofEpochMilli(rows.getLong(3)),
                TelemetryJson.read(rows.getString(4).getBytes(StandardCharsets.UTF_8), DeviceHealth.class));
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

    /** A window's identity, span and the figures stored as columns: parameters 1 to 15 of {@link #INSERT_WINDOW}. */
    private static void setWindow(
            PreparedStatement insert, String deviceId, ModelWindow model, long start, long end, long seconds)
            throws SQLException {
        insert.setString(1, deviceId);
        insert.setString(2, model.model());
        insert.setString(3, model.version());
        insert.setLong(4, start);
        insert.setLong(5, end);
        insert.setLong(6, seconds);
        insert.setLong(7, model.requestTotal());
        insert.setLong(8, model.errorTotal());
        insert.setLong(9, model.escalationTotal());
        insert.setLong(10, model.cacheHits());
        setQuantile(insert, 11, model, 0.50);
        setQuantile(insert, 12, model, 0.95);
        setQuantile(insert, 13, model, 0.99);
        insert.setLong(14, model.bytesUpstream());
        insert.setLong(15, model.bytesCloudOnly());
    }

    /** A health window's identity, span and figures: parameters 1 to 11 of {@link #INSERT_HEALTH}. */
    private static void setHealth(
            PreparedStatement insert, String deviceId, long start, long end, long seconds, DeviceHealth health)
            throws SQLException {
        insert.setString(1, deviceId);
        insert.setLong(2, start);
        insert.setLong(3, end);
        insert.setLong(4, seconds);
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
        List<StoredWindow> windows = new ArrayList<>();
        read(
                WINDOW_COLUMNS + IN_SPAN + (deviceId == null ? "" : " AND device_id = ?")
                        + (model == null ? "" : " AND model = ?") + " ORDER BY end_ms, id",
                TelemetryStore::window,
                windows::add,
                spanOf(from, to, deviceId, model));
        return windows;
    }

    /**
     * Every window that ended in {@code [from, to)}, one device's model version after another, each handed to
     * {@code visit} as it is read: a pass over the fleet holds what its visitor keeps, not the span's windows (at
     * 100,000 devices an hour of them is millions).
     */
    public void eachWindowByDeviceModel(Instant from, Instant to, Consumer<StoredWindow> visit) {
        read(
                WINDOW_COLUMNS + IN_SPAN + " ORDER BY device_id, model, version, end_ms, id",
                TelemetryStore::window,
                visit,
                spanOf(from, to));
    }

    private static StoredWindow window(ResultSet rows) throws SQLException {
        return new StoredWindow(
                rows.getString(1),
                TelemetryJson.read(rows.getString(5).getBytes(StandardCharsets.UTF_8), ModelWindow.class),
                Instant.ofEpochMilli(rows.getLong(2)),
                Instant.ofEpochMilli(rows.getLong(3)),
                rows.getLong(4));
    }

    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** A span's bounds as query parameters, then the filters that are not null. */
    private static List<Object> spanOf(Instant from, Instant to, String... filters) {
        List<Object> parameters = new ArrayList<>(List.of(from.toEpochMilli(), to.toEpochMilli()));
        for (String filter : filters) {
            if (filter != null) {
                parameters.add(filter);
            }
        }
        return parameters;
    }

    /**
     * Hands each row of a query to {@code visit} as it is read, in pages: PostgreSQL's driver reads a whole result into
     * memory unless given a fetch size (inside a transaction, which reads are); SQLite steps through rows as asked.
     */
    private <T> void read(String sql, RowMapper<T> mapper, Consumer<T> visit, List<Object> parameters) {
        database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setFetchSize(STREAMED_ROWS);
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        visit.accept(mapper.map(rows));
                    }
                }
            }
            return null;
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
