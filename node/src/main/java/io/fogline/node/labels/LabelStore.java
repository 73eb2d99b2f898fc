package io.fogline.node.labels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The node's durable store of answers and the labels they earn, in SQLite ({@code labels.db} of the data directory).
 * Raw inputs stay here: nothing of this store leaves the node, only counts in telemetry and weight updates.
 *
 * <p>Each row is one row of an answered request that carried an {@code id}: the class answered, the input, and, once
 * known, its label: a client's ground truth, or, for a request a parent tier answered, the parent's answer as a
 * teacher's label with its confidence. Ground truth is taken within {@code retention} of the answer.
 *
 * <p>The store holds at most {@code maxExamples} rows. Past the cap, whole requests go: first those labelled only by
 * a teacher, oldest first (every escalation brings more), then the oldest of the others, with ground truth or still
 * waiting for it, so the store keeps the most recent stretch of the field. Answers still unlabelled when their
 * retention ends go too. The ids of requests that went are kept as tombstones (as many as
 * {@code maxExamples}, oldest dropped first), so late ground truth is told why it comes too late.
 */
public final class LabelStore implements AutoCloseable {

    /** How the node keeps labelled examples. */
    public record Options(Path file, int maxExamples, Duration retention) {

        public Options {
            if (maxExamples < 1) {
                throw new IllegalArgumentException("the label store needs room for an example, got " + maxExamples);
            }
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("the feedback retention must be positive, got " + retention);
            }
        }

        /** 10,000 examples (about 31 MB of 28×28 images), ground truth taken for a day. */
        public static Options in(Path dataDir) {
            return new Options(dataDir.resolve("labels.db"), 10_000, Duration.ofDays(1));
        }
    }

    /** Ground truth accepted for one request: the version that answered it, its answers and the labels given. */
    public record Labelled(String model, String version, int[] predicted, int[] labels) {

        public int correct() {
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            return correct;
        }
    }

    /** What the store holds of one model version. */
    public record VersionCounts(String version, long groundTruth, long correct, long teacher, long unlabelled) {}

    private static final String EVICTED = "evicted";
    private static final String EXPIRED = "expired";

    private final Connection db;
    private final Options options;
    private long rows;

    private LabelStore(Connection db, Options options) throws SQLException {
        this.db = db;
        this.options = options;
        try (Statement statement = db.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            // Safe against a killed process; a power cut may lose the last answers, never corrupt the others.
            statement.execute("PRAGMA synchronous=NORMAL");
            statement.execute("CREATE TABLE IF NOT EXISTS examples (model TEXT NOT NULL, request_id TEXT NOT NULL,"
                    + " row INTEGER NOT NULL, version TEXT NOT NULL, answered_ms INTEGER NOT NULL, classes INTEGER NOT"
                    + " NULL, predicted INTEGER NOT NULL, tier TEXT NOT NULL, teacher_confidence REAL, ground_truth"
                    + " INTEGER, labelled_ms INTEGER, shape TEXT, input BLOB, PRIMARY KEY (model, request_id, row))");
            statement.execute("CREATE INDEX IF NOT EXISTS examples_by_age ON examples (answered_ms)");
            statement.execute("CREATE TABLE IF NOT EXISTS forgotten (model TEXT NOT NULL, request_id TEXT NOT NULL,"
                    + " reason TEXT NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (model, request_id))");
            try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM examples")) {
                rows = count.getLong(1);
            }
        }
        db.setAutoCommit(false);
    }

    public static LabelStore open(Options options) {
        try {
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + options.file());
            try {
                return new LabelStore(db, options);
            } catch (SQLException e) {
                db.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the label store " + options.file() + ": " + e.getMessage(), e);
        }
    }

    public Options options() {
        return options;
    }

    /** Keeps answers; a request id given again replaces the earlier answer unless that has ground truth. */
    synchronized void remember(List<AnswerRecord> answers) {
        if (answers.isEmpty()) {
            return;
        }
        transaction(() -> {
            Set<List<String>> requests = new LinkedHashSet<>();
            answers.forEach(answer -> requests.add(List.of(answer.model(), answer.requestId())));
            try (PreparedStatement replace = db.prepareStatement("DELETE FROM examples WHERE model = ? AND request_id ="
                            + " ? AND NOT EXISTS (SELECT 1 FROM examples e WHERE e.model = examples.model AND"
                            + " e.request_id = examples.request_id AND e.ground_truth IS NOT NULL)");
                    PreparedStatement revive =
                            db.prepareStatement("DELETE FROM forgotten WHERE model = ? AND request_id = ?")) {
                for (List<String> request : requests) {
                    replace.setString(1, request.get(0));
                    replace.setString(2, request.get(1));
                    rows -= replace.executeUpdate();
                    revive.setString(1, request.get(0));
                    revive.setString(2, request.get(1));
                    revive.executeUpdate();
                }
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT OR IGNORE INTO examples (model, request_id,"
                    + " row, version, answered_ms, classes, predicted, tier, teacher_confidence, shape, input) VALUES"
                    + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AnswerRecord answer : answers) {
                    insert.setString(1, answer.model());
                    insert.setString(2, answer.requestId());
                    insert.setInt(3, answer.row());
                    insert.setString(4, answer.version());
                    insert.setLong(5, answer.answeredMillis());
                    insert.setInt(6, answer.classes());
                    insert.setInt(7, answer.predicted());
                    insert.setString(8, answer.tier());
                    if (answer.fromParent()) {
                        insert.setDouble(9, answer.teacherConfidence());
                    } else {
                        insert.setNull(9, Types.REAL);
                    }
                    if (answer.input() == null) {
                        insert.setNull(10, Types.VARCHAR);
                        insert.setNull(11, Types.BLOB);
                    } else {
                        insert.setString(10, shapeText(answer.shape()));
                        insert.setBytes(11, floatBytes(answer.input()));
                    }
                    rows += insert.executeUpdate();
                }
            }
            makeRoom(answers.getLast().answeredMillis());
            return null;
        });
    }

    /**
     * Takes a client's ground truth for the rows of an earlier answer.
     *
     * @throws FeedbackRefused 404 for an id the store never held, 410 for one past retention or evicted, 409 for one
     *     that has its ground truth already, 400 for labels that do not fit the answer
     */
    public synchronized Labelled label(String model, String requestId, int[] labels, long nowMillis) {
        return transaction(() -> {
            List<long[]> found = new ArrayList<>();
            String version = null;
            try (PreparedStatement select = db.prepareStatement("SELECT row, version, answered_ms, classes, predicted,"
                    + " ground_truth FROM examples WHERE model = ? AND request_id = ? ORDER BY row")) {
                select.setString(1, model);
                select.setString(2, requestId);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        version = row.getString(2);
                        row.getLong(6);
                        long labelled = row.wasNull() ? 0 : 1;
                        found.add(
                                new long[] {row.getLong(1), row.getLong(3), row.getLong(4), row.getLong(5), labelled});
                    }
                }
            }
            String answer = "the answer '" + requestId + "' of model '" + model + "'";
            if (found.isEmpty()) {
                throw forgottenOrUnknown(model, requestId, answer);
            }
            if (found.stream().anyMatch(row -> row[4] == 1)) {
                throw new FeedbackRefused(409, "ground truth for " + answer + " was given already");
            }
            long age = nowMillis - found.getFirst()[1];
            if (age > options.retention().toMillis()) {
                throw new FeedbackRefused(
                        410,
                        answer + " is " + age / 1000 + " s old, past the feedback retention of "
                                + options.retention().toSeconds() + " s");
            }
            if (labels.length != found.size()) {
                throw FeedbackRefused.invalid(answer + " has " + found.size() + " row" + (found.size() == 1 ? "" : "s")
                        + ", got " + labels.length + " label" + (labels.length == 1 ? "" : "s"));
            }
            int[] predicted = new int[labels.length];
            try (PreparedStatement update = db.prepareStatement("UPDATE examples SET ground_truth = ?, labelled_ms = ?"
                    + " WHERE model = ? AND request_id = ? AND row = ?")) {
                for (int i = 0; i < labels.length; i++) {
                    long classes = found.get(i)[2];
                    if (labels[i] < 0 || labels[i] >= classes) {
                        throw FeedbackRefused.invalid("label " + labels[i] + " is outside the classes of model '"
                                + model + "', 0 to " + (classes - 1));
                    }
                    predicted[i] = (int) found.get(i)[3];
                    update.setInt(1, labels[i]);
                    update.setLong(2, nowMillis);
                    update.setString(3, model);
                    update.setString(4, requestId);
                    update.setLong(5, found.get(i)[0]);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return new Labelled(model, version, predicted, labels.clone());
        });
    }

    private FeedbackRefused forgottenOrUnknown(String model, String requestId, String answer) throws SQLException {
        try (PreparedStatement select =
                db.prepareStatement("SELECT reason FROM forgotten WHERE model = ? AND request_id = ?")) {
            select.setString(1, model);
            select.setString(2, requestId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return new FeedbackRefused(404, "no answer of model '" + model + "' with id '" + requestId + "'");
                }
                return new FeedbackRefused(
                        410,
                        row.getString(1).equals(EVICTED)
                                ? answer + " was evicted to keep the store under its cap of " + options.maxExamples()
                                        + " examples"
                                : answer + " went unlabelled past the feedback retention of "
                                        + options.retention().toSeconds() + " s");
            }
        }
    }

    /** Forgets answers that nobody labelled within the retention, so that only what can still be labelled waits. */
    synchronized void expire(long nowMillis) {
        transaction(() -> {
            long before = nowMillis - options.retention().toMillis();
            List<List<String>> stale = new ArrayList<>();
            try (PreparedStatement select = db.prepareStatement("SELECT DISTINCT model, request_id FROM examples WHERE"
                    + " answered_ms < ? AND ground_truth IS NULL AND teacher_confidence IS NULL")) {
                select.setLong(1, before);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        stale.add(List.of(row.getString(1), row.getString(2)));
                    }
                }
            }
            forget(stale, EXPIRED, nowMillis);
            return null;
        });
    }

    /** Keeps the store within its cap, and the tombstones within as many. */
    private void makeRoom(long nowMillis) throws SQLException {
        if (rows > options.maxExamples()) {
            List<List<String>> victims = new ArrayList<>();
            long freed = 0;
            try (PreparedStatement select = db.prepareStatement("SELECT model, request_id, COUNT(*) FROM examples"
                    + " GROUP BY model, request_id ORDER BY MAX(ground_truth IS NOT NULL) = 0 AND"
                    + " MAX(teacher_confidence IS NOT NULL) = 1 DESC, MIN(answered_ms) LIMIT ?")) {
                select.setLong(1, rows - options.maxExamples());
                try (ResultSet row = select.executeQuery()) {
                    while (row.next() && freed < rows - options.maxExamples()) {
                        victims.add(List.of(row.getString(1), row.getString(2)));
                        freed += row.getLong(3);
                    }
                }
            }
            forget(victims, EVICTED, nowMillis);
        }
        try (PreparedStatement trim = db.prepareStatement("DELETE FROM forgotten WHERE rowid IN (SELECT rowid FROM"
                + " forgotten ORDER BY at_ms DESC, rowid DESC LIMIT -1 OFFSET ?)")) {
            trim.setLong(1, options.maxExamples());
            trim.executeUpdate();
        }
    }

    private void forget(List<List<String>> requests, String reason, long nowMillis) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM examples WHERE model = ? AND request_id = ?");
                PreparedStatement tombstone = db.prepareStatement(
                        "INSERT OR REPLACE INTO forgotten (model, request_id, reason, at_ms) VALUES (?, ?, ?, ?)")) {
            for (List<String> request : requests) {
                delete.setString(1, request.get(0));
                delete.setString(2, request.get(1));
                rows -= delete.executeUpdate();
                tombstone.setString(1, request.get(0));
                tombstone.setString(2, request.get(1));
                tombstone.setString(3, reason);
                tombstone.setLong(4, nowMillis);
                tombstone.executeUpdate();
            }
        }
    }

    /**
     * Every example of {@code model} that has a label and an input, oldest first: ground truth where a client gave
     * it, else the parent's answer; what a node trains on.
     */
    public synchronized void forEachExample(String model, Consumer<LabelledExample> action) {
        read(() -> {
            try (PreparedStatement select = db.prepareStatement("SELECT version, request_id, row, shape, input,"
                    + " ground_truth, predicted, teacher_confidence, tier FROM examples WHERE model = ? AND input IS NOT"
                    + " NULL AND (ground_truth IS NOT NULL OR teacher_confidence IS NOT NULL) ORDER BY answered_ms,"
                    + " request_id, row")) {
                select.setString(1, model);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        int groundTruth = row.getInt(6);
                        boolean labelled = !row.wasNull();
                        int predicted = row.getInt(7);
                        double confidence = row.getDouble(8);
                        action.accept(new LabelledExample(
                                model,
                                row.getString(1),
                                row.getString(2),
                                row.getInt(3),
                                floats(row.getBytes(5)),
                                shape(row.getString(4)),
                                labelled ? groundTruth : predicted,
                                labelled ? LabelledExample.Source.GROUND_TRUTH : LabelledExample.Source.TEACHER,
                                labelled ? Double.NaN : confidence,
                                predicted,
                                row.getString(9)));
                    }
                }
            }
            return null;
        });
    }

    /** Per version of {@code model}: the ground truth held and how much of it the node answered right. */
    public synchronized List<VersionCounts> counts(String model) {
        return read(() -> {
            Map<String, VersionCounts> byVersion = new LinkedHashMap<>();
            try (PreparedStatement select = db.prepareStatement("SELECT version, COUNT(ground_truth),"
                    + " COALESCE(SUM(ground_truth = predicted), 0), COUNT(*) FILTER (WHERE ground_truth IS NULL AND"
                    + " teacher_confidence IS NOT NULL), COUNT(*) FILTER (WHERE ground_truth IS NULL AND"
                    + " teacher_confidence IS NULL) FROM examples WHERE model = ? GROUP BY version ORDER BY version")) {
                select.setString(1, model);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        byVersion.put(
                                row.getString(1),
                                new VersionCounts(
                                        row.getString(1),
                                        row.getLong(2),
                                        row.getLong(3),
                                        row.getLong(4),
                                        row.getLong(5)));
                    }
                }
            }
            return List.copyOf(byVersion.values());
        });
    }

    /** Examples of every model a node could train on now: those with an input and a label. */
    public synchronized long trainableCount() {
        return read(() -> {
            try (Statement statement = db.createStatement();
                    ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM examples WHERE input IS NOT NULL"
                            + " AND (ground_truth IS NOT NULL OR teacher_confidence IS NOT NULL)")) {
                return count.getLong(1);
            }
        });
    }

    /** Rows held, for tests and the cap. */
    public synchronized long size() {
        return rows;
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T transaction(Work<T> work) {
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            // The in-memory count follows the database, which the rollback has just put back.
            recount();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    private <T> T read(Work<T> work) {
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    private void recount() {
        try (Statement statement = db.createStatement();
                ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM examples")) {
            rows = count.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("label store: " + e.getMessage(), e);
        }
    }

    private static String shapeText(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    private static long[] shape(String text) {
        return text.isEmpty()
                ? new long[0]
                : Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the label store: " + e.getMessage(), e);
        }
    }
}
