package io.fogline.node.telemetry;

import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
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
import java.util.UUID;

/**
 * The node's durable store of telemetry waiting for the control plane, in SQLite, capped in bytes.
 *
 * <p>When the windows and events held pass the cap, the outbox makes room until it holds 90% of it, in this order:
 *
 * <ol>
 *   <li>two adjacent windows of the same length merge into one twice as long, the oldest such pair first, up to
 *       windows of {@code maxMergedWindows} original windows: counts, histograms and sums stay exact, only the time
 *       resolution coarsens;
 *   <li>then the oldest window that still has drift statistics (input, output and class histograms) loses them;
 *   <li>then the oldest window goes, and one event {@code telemetry_dropped} says over what span and how many
 *       requests the dropped windows counted;
 *   <li>events go last, oldest first.
 * </ol>
 *
 * <p>Uploads take the oldest entries into a batch of at most {@code maxBatchBytes} with a fresh random id, stored in
 * the same transaction that removes its entries; the batch is sent, with the same id, until the control plane
 * acknowledges it, across restarts, so a node killed between sending and storing the acknowledgement sends the
 * batch again and the control plane, which applies a batch id once, counts it once.
 */
public final class Outbox implements TelemetrySink, AutoCloseable {

    /** A batch to send, and its JSON body. */
    public record Batch(String id, byte[] body, int windows, int events) {}

    private static final String WINDOW = "window";
    private static final String EVENT = "event";
    /** The one event that tells what the cap dropped, updated as more goes. */
    private static final String DROPPED = "dropped";
    /** The JSON around a batch's entries: {"batch_id":"<uuid>","windows":[],"events":[]}. */
    private static final int BATCH_OVERHEAD = 100;

    private final Connection db;
    private final long maxBytes;
    private final int maxBatchBytes;
    private final int maxLevel;
    private long heldBytes;

    private Outbox(Connection db, long maxBytes, int maxBatchBytes, int maxMergedWindows) throws SQLException {
        this.db = db;
        this.maxBytes = maxBytes;
        this.maxBatchBytes = maxBatchBytes;
        this.maxLevel = 31 - Integer.numberOfLeadingZeros(maxMergedWindows);
        try (Statement statement = db.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            // Safe against a killed process, which is what a node must survive; a power cut may lose the last window.
            statement.execute("PRAGMA synchronous=NORMAL");
            statement.execute("CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT"
                    + " NULL, start_ms INTEGER NOT NULL, level INTEGER NOT NULL, detail INTEGER NOT NULL, bytes"
                    + " INTEGER NOT NULL, body BLOB NOT NULL)");
            statement.execute("CREATE TABLE IF NOT EXISTS in_flight (batch_id TEXT PRIMARY KEY, body BLOB NOT NULL,"
                    + " windows INTEGER NOT NULL, events INTEGER NOT NULL)");
            try (ResultSet held = statement.executeQuery("SELECT (SELECT COALESCE(SUM(bytes), 0) FROM entries)"
                    + " + (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM in_flight)")) {
                heldBytes = held.getLong(1);
            }
        }
    }

    /**
     * Opens (or creates) an outbox.
     *
     * @param maxBytes the cap on the windows, events and unacknowledged batch held
     * @param maxBatchBytes the most bytes one upload carries
     * @param maxMergedWindows how many original windows a merged window may cover at most, a power of two
     */
    public static Outbox open(Path file, long maxBytes, int maxBatchBytes, int maxMergedWindows) {
        if (maxBatchBytes < 4096 || maxBytes < 4L * maxBatchBytes) {
            throw new IllegalArgumentException("the outbox needs batches of at least 4096 bytes and a cap of at least"
                    + " four batches, got " + maxBatchBytes + " and " + maxBytes);
        }
        if (Integer.bitCount(maxMergedWindows) != 1) {
            throw new IllegalArgumentException("maxMergedWindows must be a power of two, got " + maxMergedWindows);
        }
        try {
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try {
                return new Outbox(db, maxBytes, maxBatchBytes, maxMergedWindows);
            } catch (SQLException e) {
                db.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the telemetry outbox " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void window(TelemetryWindow window) {
        byte[] body = TelemetryJson.write(window);
        if (body.length + BATCH_OVERHEAD > maxBatchBytes) {
            window = window.withoutDetail();
            body = TelemetryJson.write(window);
        }
        insert(WINDOW, window.startInstant().toEpochMilli(), 0, window.hasDetail(), body);
        makeRoom();
    }

    @Override
    public synchronized void event(NodeEvent event) {
        insert(EVENT, java.time.Instant.parse(event.at()).toEpochMilli(), 0, false, TelemetryJson.write(event));
        makeRoom();
    }

    /** Bytes held now: entries and the batch waiting for its acknowledgement. */
    public synchronized long heldBytes() {
        return heldBytes;
    }

    /**
     * The batch to send next: the one sent before and not yet acknowledged, else a new one of the oldest entries.
     */
    public synchronized Optional<Batch> nextBatch() {
        try {
            try (Statement statement = db.createStatement();
                    ResultSet pending =
                            statement.executeQuery("SELECT batch_id, body, windows, events FROM in_flight")) {
                if (pending.next()) {
                    return Optional.of(
                            new Batch(pending.getString(1), pending.getBytes(2), pending.getInt(3), pending.getInt(4)));
                }
            }
            List<Long> ids = new ArrayList<>();
            List<TelemetryWindow> windows = new ArrayList<>();
            List<NodeEvent> events = new ArrayList<>();
            long size = BATCH_OVERHEAD;
            try (Statement statement = db.createStatement();
                    ResultSet rows =
                            statement.executeQuery("SELECT id, kind, bytes, body FROM entries ORDER BY start_ms, id")) {
                while (rows.next()) {
                    size += rows.getLong(3) + 1;
                    if (size > maxBatchBytes && !ids.isEmpty()) {
                        break;
                    }
                    ids.add(rows.getLong(1));
                    if (WINDOW.equals(rows.getString(2))) {
                        windows.add(TelemetryJson.read(rows.getBytes(4), TelemetryWindow.class));
                    } else {
                        events.add(TelemetryJson.read(rows.getBytes(4), NodeEvent.class));
                    }
                }
            }
            if (ids.isEmpty()) {
                return Optional.empty();
            }
            String id = UUID.randomUUID().toString();
            byte[] body = TelemetryJson.write(new TelemetryBatch(id, windows, events));
            transaction(() -> {
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO in_flight VALUES (?, ?, ?, ?)");
                        PreparedStatement delete = db.prepareStatement("DELETE FROM entries WHERE id = ?")) {
                    insert.setString(1, id);
                    insert.setBytes(2, body);
                    insert.setInt(3, windows.size());
                    insert.setInt(4, events.size());
                    insert.executeUpdate();
                    for (long entry : ids) {
                        delete.setLong(1, entry);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
            });
            heldBytes = recount();
            return Optional.of(new Batch(id, body, windows.size(), events.size()));
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    /** Forgets a batch the control plane acknowledged. */
    public synchronized void acknowledge(String batchId) {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM in_flight WHERE batch_id = ?")) {
            delete.setString(1, batchId);
            delete.executeUpdate();
            heldBytes = recount();
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    private void insert(String kind, long startMillis, int level, boolean detail, byte[] body) {
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO entries (kind, start_ms, level, detail, bytes, body) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, kind);
            insert.setLong(2, startMillis);
            insert.setInt(3, level);
            insert.setInt(4, detail ? 1 : 0);
            insert.setLong(5, body.length);
            insert.setBytes(6, body);
            insert.executeUpdate();
            heldBytes += body.length;
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    /** The cap's policy, in the order the class comment gives. */
    private void makeRoom() {
        if (heldBytes <= maxBytes) {
            return;
        }
        long target = maxBytes * 9 / 10;
        try {
            List<Entry> entries = entries();
            while (heldBytes > target) {
                if (!mergeOldestPair(entries) && !dropOldestDetail(entries) && !dropOldestWindow(entries)) {
                    if (!dropOldestEvent(entries)) {
                        return; // only the batch in flight is left; it goes once acknowledged
                    }
                }
            }
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }

    private record Entry(long id, String kind, long startMillis, int level, boolean detail, long bytes) {
        boolean window() {
            return WINDOW.equals(kind);
        }
    }

    private List<Entry> entries() throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT id, kind, start_ms, level, detail, bytes FROM entries ORDER BY start_ms, id")) {
            while (rows.next()) {
                entries.add(new Entry(
                        rows.getLong(1),
                        rows.getString(2),
                        rows.getLong(3),
                        rows.getInt(4),
                        rows.getInt(5) == 1,
                        rows.getLong(6)));
            }
        }
        return entries;
    }

    private boolean mergeOldestPair(List<Entry> entries) throws SQLException {
        Entry previous = null;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (!entry.window()) {
                continue;
            }
            if (previous != null && previous.level() == entry.level() && entry.level() < maxLevel) {
                TelemetryWindow merged = read(previous.id()).merge(read(entry.id()));
                byte[] body = TelemetryJson.write(merged);
                Entry replaced = new Entry(
                        previous.id(),
                        WINDOW,
                        previous.startMillis(),
                        entry.level() + 1,
                        merged.hasDetail(),
                        body.length);
                Entry first = previous;
                transaction(() -> {
                    rewrite(replaced, body);
                    delete(entry.id());
                });
                heldBytes += body.length - first.bytes() - entry.bytes();
                entries.set(entries.indexOf(first), replaced);
                entries.remove(i);
                return true;
            }
            previous = entry;
        }
        return false;
    }

    private boolean dropOldestDetail(List<Entry> entries) throws SQLException {
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.window() && entry.detail()) {
                byte[] body = TelemetryJson.write(read(entry.id()).withoutDetail());
                Entry replaced = new Entry(entry.id(), WINDOW, entry.startMillis(), entry.level(), false, body.length);
                rewrite(replaced, body);
                heldBytes += body.length - entry.bytes();
                entries.set(i, replaced);
                return true;
            }
        }
        return false;
    }

    private boolean dropOldestWindow(List<Entry> entries) throws SQLException {
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.window()) {
                TelemetryWindow dropped = read(entry.id());
                long requests = dropped.models().stream()
                        .mapToLong(ModelWindow::requestTotal)
                        .sum();
                Entry notice = entries.stream()
                        .filter(e -> DROPPED.equals(e.kind()))
                        .findFirst()
                        .orElse(null);
                String from = notice == null
                        ? dropped.start()
                        : readEvent(notice.id()).detail();
                long before = notice == null ? 0 : readEvent(notice.id()).count();
                NodeEvent event =
                        new NodeEvent(dropped.end(), NodeEvent.TELEMETRY_DROPPED, null, from, before + requests);
                byte[] body = TelemetryJson.write(event);
                transaction(() -> {
                    delete(entry.id());
                    if (notice != null) {
                        rewrite(new Entry(notice.id(), DROPPED, notice.startMillis(), 0, false, body.length), body);
                    } else {
                        insert(DROPPED, entry.startMillis(), 0, false, body);
                    }
                });
                heldBytes -= entry.bytes() + (notice == null ? 0 : notice.bytes() - body.length);
                entries.clear();
                entries.addAll(entries());
                return true;
            }
        }
        return false;
    }

    private boolean dropOldestEvent(List<Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return false;
        }
        Entry oldest = entries.removeFirst();
        delete(oldest.id());
        heldBytes -= oldest.bytes();
        return true;
    }

    private TelemetryWindow read(long id) throws SQLException {
        return TelemetryJson.read(body(id), TelemetryWindow.class);
    }

    private NodeEvent readEvent(long id) throws SQLException {
        return TelemetryJson.read(body(id), NodeEvent.class);
    }

    private byte[] body(long id) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT body FROM entries WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBytes(1);
            }
        }
    }

    private void rewrite(Entry entry, byte[] body) throws SQLException {
        try (PreparedStatement update =
                db.prepareStatement("UPDATE entries SET level = ?, detail = ?, bytes = ?, body = ? WHERE id = ?")) {
            update.setInt(1, entry.level());
            update.setInt(2, entry.detail() ? 1 : 0);
            update.setLong(3, body.length);
            update.setBytes(4, body);
            update.setLong(5, entry.id());
            update.executeUpdate();
        }
    }

    private void delete(long id) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM entries WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
    }

    private long recount() throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet held = statement.executeQuery("SELECT (SELECT COALESCE(SUM(bytes), 0) FROM entries)"
                        + " + (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM in_flight)")) {
            return held.getLong(1);
        }
    }

    private interface Work {
        void run() throws SQLException;
    }

    private void transaction(Work work) throws SQLException {
        db.setAutoCommit(false);
        try {
            work.run();
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    private static IllegalStateException storeFailure(SQLException e) {
        return new IllegalStateException("telemetry outbox: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw storeFailure(e);
        }
    }
}
