package io.fogline.control.fleet;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Fields;
import io.fogline.control.common.Json;
import io.fogline.control.store.Database;
import io.fogline.core.device.DesiredModel;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.RunningModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Enrolment tokens, devices, their credentials, groups and labels. */
public final class Fleet {

    /** A device is shown offline once it has missed this many polls. */
    private static final int MISSED_POLLS_OFFLINE = 3;
    /** The statuses of a device between the first and the last report of an update. */
    private static final String UPDATING = "('downloading', 'verifying', 'unpacking', 'loading', 'testing')";

    private final Database database;
    private final Clock clock;
    private final Duration pollInterval;
    private final Heartbeats heartbeats;

    public Fleet(Database database, Clock clock, Duration pollInterval, Heartbeats heartbeats) {
        this.database = database;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.heartbeats = heartbeats;
    }

    private static final long MAX_TOKEN_USES = 1_000_000;

    /** An enrolment token as issued: the token itself is shown once and stored only as a hash. */
    public record IssuedToken(String token, long expiresAt, String group, Map<String, String> labels, long uses) {}

    /** A device as its credential proves it, with the revision of its desired state that its ETag is made of. */
    public record AuthenticatedDevice(String id, long desiredRevision) {}

    /**
     * A token that {@code uses} devices may enrol with before {@code ttl} passes. There is no unlimited token: one that
     * leaks (a command line, a provisioning script) lets anyone who reads it enrol, so each is made for a known count.
     */
    public IssuedToken issueToken(String group, Map<String, String> labels, Duration ttl, long uses) {
        Fields.name(group, "group");
        if (ttl.isNegative() || ttl.isZero()) {
            throw ControlException.invalid("'ttl_seconds' must be positive");
        }
        if (uses < 1 || uses > MAX_TOKEN_USES) {
            throw ControlException.invalid("'uses' must be from 1 to " + MAX_TOKEN_USES + ", got " + uses);
        }
        String token = Secrets.generate();
        long now = clock.millis();
        long expiresAt = now + ttl.toMillis();
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO enrolment_tokens (token_hash, device_group, labels, expires_at, uses_left, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, Secrets.hash(token));
                insert.setString(2, group);
                insert.setString(3, Json.write(labels));
                insert.setLong(4, expiresAt);
                insert.setLong(5, uses);
                insert.setLong(6, now);
                return insert.executeUpdate();
            }
        });
        return new IssuedToken(token, expiresAt, group, labels, uses);
    }

    /**
     * Turns an enrolment token into a credential for one new device. The device's labels are the token's, overridden
     * by those the device sends; its group is the token's only.
     */
    public Enrolment.Enrolled enrol(Enrolment enrolment) {
        String token = enrolment.token();
        String deviceId = enrolment.deviceId();
        Map<String, String> labels = enrolment.labels();
        Fields.name(deviceId, "device_id");
        String credential = Secrets.generate();
        database.write(connection -> {
            long now = clock.millis();
            String group;
            Map<String, String> merged;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT device_group, labels FROM enrolment_tokens WHERE token_hash = ? AND expires_at > ?"
                            + " AND (uses_left IS NULL OR uses_left > 0)" + database.forUpdate())) {
                select.setString(1, Secrets.hash(token));
                select.setLong(2, now);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw ControlException.unauthenticated("unknown or expired enrolment token");
                    }
                    group = row.getString(1);
                    merged = new TreeMap<>(labelsOf(row.getString(2)));
                }
            }
            merged.putAll(labels);
            try (PreparedStatement use = connection.prepareStatement(
                    "UPDATE enrolment_tokens SET uses_left = uses_left - 1 WHERE token_hash = ? AND uses_left IS NOT NULL")) {
                use.setString(1, Secrets.hash(token));
                use.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO devices (id, credential_hash, device_group, labels, enrolled_at)"
                            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                insert.setString(1, deviceId);
                insert.setString(2, Secrets.hash(credential));
                insert.setString(3, group);
                insert.setString(4, Json.write(merged));
                insert.setLong(5, now);
                if (insert.executeUpdate() == 0) {
                    throw ControlException.conflict("device '" + deviceId + "' is already enrolled");
                }
            }
            saveLabels(connection, deviceId, merged);
            return null;
        });
        return new Enrolment.Enrolled(deviceId, credential);
    }

    /** The device a credential belongs to; every device request starts here, so it is one indexed read. */
    public AuthenticatedDevice authenticate(String credential) {
        return database.read(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT id, desired_revision FROM devices WHERE credential_hash = ?")) {
                select.setString(1, Secrets.hash(credential));
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw ControlException.unauthenticated(
                                "unknown credential: neither the admin token nor a device's");
                    }
                    return new AuthenticatedDevice(row.getString(1), row.getLong(2));
                }
            }
        });
    }

    public DesiredStates.Revision desired(String deviceId) {
        return database.read(connection -> DesiredStates.revision(connection, deviceId));
    }

    public DeviceView device(String id) {
        heartbeats.flush();
        return database.read(connection -> {
            List<DeviceView> found = select(connection, " WHERE d.id = ?", "", statement -> statement.setString(1, id));
            if (found.isEmpty()) {
                throw ControlException.notFound("no device '" + id + "'");
            }
            return found.getFirst();
        });
    }

    /** The devices a filter selects, by id; for a few (a demo, a test): a fleet is read a page at a time. */
    public List<DeviceView> devices(DeviceFilter filter) {
        heartbeats.flush();
        return database.read(
                connection -> select(connection, filter.where("d"), "", statement -> filter.bind(statement, 1)));
    }

    /**
     * One page of the devices a filter selects, by id: at most {@code limit} after device {@code after} (null: from
     * the first), with how many the filter selects in all.
     *
     * @param next the id to ask for the page after this one from, or null when this page is the last
     */
    public record Page(List<DeviceView> devices, long total, String next) {}

    public Page page(DeviceFilter filter, String after, int limit) {
        heartbeats.flush();
        String where = filter.where("d") + (after == null ? "" : " AND d.id > ?");
        return database.read(connection -> {
            List<DeviceView> devices = select(connection, where, " LIMIT ?", statement -> {
                int next = filter.bind(statement, 1);
                if (after != null) {
                    statement.setString(next++, after);
                }
                statement.setInt(next, limit + 1);
            });
            long total;
            try (PreparedStatement count =
                    connection.prepareStatement("SELECT COUNT(*) FROM devices d" + filter.where("d"))) {
                filter.bind(count, 1);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            boolean more = devices.size() > limit;
            List<DeviceView> shown = more ? devices.subList(0, limit) : devices;
            return new Page(List.copyOf(shown), total, more ? shown.getLast().id() : null);
        });
    }

    /** How many devices a filter selects, are online, are busy with an update, and run each model version. */
    public record Summary(long devices, long online, long updating, List<VersionCount> running) {}

    public record VersionCount(String model, long version, long devices) {}

    public Summary summary(DeviceFilter filter) {
        heartbeats.flush();
        long onlineSince = clock.millis() - pollInterval.toMillis() * MISSED_POLLS_OFFLINE;
        return database.read(connection -> {
            long devices, online, updating;
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*),"
                    + " COALESCE(SUM(CASE WHEN d.last_seen >= ? THEN 1 ELSE 0 END), 0),"
                    + " COALESCE(SUM(CASE WHEN d.last_status IN " + UPDATING + " THEN 1 ELSE 0 END), 0)"
                    + " FROM devices d" + filter.where("d"))) {
                count.setLong(1, onlineSince);
                filter.bind(count, 2);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    devices = row.getLong(1);
                    online = row.getLong(2);
                    updating = row.getLong(3);
                }
            }
            List<VersionCount> running = new ArrayList<>();
            try (PreparedStatement versions = connection.prepareStatement(
                    "SELECT r.model, r.version, COUNT(*) FROM device_running r JOIN devices d ON d.id = r.device_id"
                            + filter.where("d") + " GROUP BY r.model, r.version ORDER BY r.model, r.version")) {
                filter.bind(versions, 1);
                try (ResultSet rows = versions.executeQuery()) {
                    while (rows.next()) {
                        running.add(new VersionCount(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                    }
                }
            }
            return new Summary(devices, online, updating, running);
        });
    }

    /** Moves a device to another group and/or replaces its labels; a null leaves that part as it is. */
    public DeviceView update(String id, String group, Map<String, String> labels) {
        Fields.name(group, "group");
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE devices SET device_group = COALESCE(?, device_group), labels = COALESCE(?, labels)"
                            + " WHERE id = ?")) {
                update.setString(1, group);
                update.setString(2, labels == null ? null : Json.write(labels));
                update.setString(3, id);
                if (update.executeUpdate() == 0) {
                    throw ControlException.notFound("no device '" + id + "'");
                }
            }
            if (labels != null) {
                saveLabels(connection, id, labels);
            }
            return null;
        });
        return device(id);
    }

    /** Devices by id, with their desired models; {@code limit} is a LIMIT clause or empty. */
    private List<DeviceView> select(Connection connection, String where, String limit, DesiredStates.Binder bind)
            throws SQLException {
        Map<String, List<DesiredModel>> desired = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT m.device_id, m.model, m.version, m.bundle, m.action_id FROM desired_models m"
                        + " WHERE m.device_id IN (SELECT d.id FROM devices d" + where + " ORDER BY d.id" + limit + ")"
                        + " ORDER BY m.device_id, m.model")) {
            bind.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    desired.computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                            .add(new DesiredModel(
                                    rows.getString(2), rows.getLong(3), rows.getString(4), rows.getLong(5)));
                }
            }
        }
        long offlineBefore = clock.millis() - pollInterval.toMillis() * MISSED_POLLS_OFFLINE;
        List<DeviceView> devices = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT d.id, d.device_group, d.labels, d.enrolled_at, d.last_seen, d.running, d.last_status,"
                        + " d.last_reason, d.last_seq FROM devices d" + where + " ORDER BY d.id" + limit)) {
            bind.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long lastSeen = rows.getLong(5);
                    boolean seen = !rows.wasNull();
                    devices.add(new DeviceView(
                            rows.getString(1),
                            rows.getString(2),
                            labelsOf(rows.getString(3)),
                            rows.getLong(4),
                            seen ? lastSeen : null,
                            seen && lastSeen >= offlineBefore,
                            runningOf(rows.getString(6)),
                            desired.getOrDefault(rows.getString(1), List.of()),
                            rows.getString(7),
                            rows.getString(8),
                            rows.getLong(9)));
                }
            }
        }
        return devices;
    }

    /** Replaces a device's label rows, which selectors filter on. */
    private static void saveLabels(Connection connection, String deviceId, Map<String, String> labels)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device_labels WHERE device_id = ?")) {
            delete.setString(1, deviceId);
            delete.executeUpdate();
        }
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO device_labels (device_id, label, value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> label : labels.entrySet()) {
                insert.setString(1, deviceId);
                insert.setString(2, label.getKey());
                insert.setString(3, label.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    public static Map<String, String> labelsOf(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<TreeMap<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<RunningModel> runningOf(String json) {
        return List.of(ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), RunningModel[].class));
    }
}
