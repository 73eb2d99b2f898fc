package io.fogline.control.fleet;

import io.fogline.control.store.Database;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every poll is a heartbeat, but writing {@code last_seen} on each would make a poll a write. Polls are noted in
 * memory and written in one batch per flush (every tick of the control plane), so a poll that answers 304 reads one
 * row and writes nothing; {@code last_seen} lags by at most one tick.
 */
public final class Heartbeats {

    private final Database database;
    private final Clock clock;
    private final Map<String, Long> pending = new ConcurrentHashMap<>();

    public Heartbeats(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public void seen(String deviceId) {
        pending.put(deviceId, clock.millis());
    }

    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        // In key order, so two replicas flushing at once lock rows in the same order and never deadlock.
        Map<String, Long> batch = new TreeMap<>();
        for (String deviceId : pending.keySet()) {
            Long seen = pending.remove(deviceId);
            if (seen != null) {
                batch.put(deviceId, seen);
            }
        }
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE devices SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)")) {
                for (Map.Entry<String, Long> seen : batch.entrySet()) {
                    update.setLong(1, seen.getValue());
                    update.setString(2, seen.getKey());
                    update.setLong(3, seen.getValue());
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }
}
