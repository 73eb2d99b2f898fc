package io.fogline.control.federated;

import io.fogline.control.store.Database;
import io.fogline.federated.UpdateSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A round's accepted updates as the database holds them, read a slice of coordinates at a time (a substring of the
 * stored delta), so aggregating a round holds slices, never every update, whatever the number of devices.
 */
final class StoredUpdates implements UpdateSet {

    private final Database database;
    private final String job;
    private final int round;
    private final int dimension;
    private final List<String> devices = new ArrayList<>();
    private final List<Long> examples = new ArrayList<>();

    /** The round's updates, ordered by device id, with their example counts read now. */
    StoredUpdates(Database database, String job, int round, int dimension) {
        this.database = database;
        this.job = job;
        this.round = round;
        this.dimension = dimension;
        database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT device_id, examples FROM fl_updates WHERE job_id = ? AND round = ? ORDER BY device_id")) {
                select.setString(1, job);
                select.setLong(2, round);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        devices.add(rows.getString(1));
                        examples.add(rows.getLong(2));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public int size() {
        return devices.size();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String client(int update) {
        return devices.get(update);
    }

    @Override
    public long exampleCount(int update) {
        return examples.get(update);
    }

    @Override
    public void read(int update, int from, int length, float[] into, int offset) {
        byte[] bytes = database.read(connection -> {
            String slice = database.isPostgres() ? "substring(delta from ? for ?)" : "substr(delta, ?, ?)";
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + slice + " FROM fl_updates WHERE job_id = ? AND round = ? AND device_id = ?")) {
                // int parameters: PostgreSQL's substring takes integers, and a delta's bytes fit one.
                select.setInt(1, 4 * from + 1);
                select.setInt(2, 4 * length);
                select.setString(3, job);
                select.setLong(4, round);
                select.setString(5, devices.get(update));
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("the update of " + devices.get(update) + " is gone");
                    }
                    return row.getBytes(1);
                }
            }
        });
        if (bytes.length != 4 * length) {
            throw new IllegalStateException("the stored update of " + devices.get(update) + " is " + bytes.length
                    + " bytes at coordinate " + from + ", " + 4 * length + " expected");
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, offset, length);
    }

    static byte[] encode(float[] delta) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * delta.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(delta);
        return buffer.array();
    }
}
