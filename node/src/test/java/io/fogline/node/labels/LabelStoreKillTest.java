package io.fogline.node.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that writes answers and ground truth as {@code kill -9} would, at random moments: the store it
 * leaves opens, passes SQLite's integrity check, holds no half-written request, stays within its cap and takes more.
 */
class LabelStoreKillTest {

    private static final int CAP = 300;

    @TempDir
    Path dir;

    @Test
    void aWriterKilledMidWriteLeavesAConsistentStore() throws Exception {
        Path file = dir.resolve("labels.db");
        Random random = new Random(11);
        for (int round = 0; round < 3; round++) {
            Path log = dir.resolve("writer-" + round + ".log");
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            LabelWriterMain.class.getName(),
                            file.toString(),
                            Integer.toString(CAP),
                            Integer.toString(round))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("written 100") && System.nanoTime() < deadline) {
                assertThat(writer.isAlive()).as(Files.readString(log)).isTrue();
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(300));
            writer.destroyForcibly();
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertConsistent(file);
        }
        try (LabelStore store = LabelStore.open(new LabelStore.Options(file, CAP, Duration.ofHours(1)))) {
            store.remember(List.of(LabelStoreTest.answer("after", 0, Long.MAX_VALUE / 2, 1, Double.NaN)));
            assertThat(store.label("fashion", "after", new int[] {1}, Long.MAX_VALUE / 2)
                            .correct())
                    .isEqualTo(1);
            assertThat(store.size()).isLessThanOrEqualTo(CAP);
        }
    }

    private static void assertConsistent(Path file) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement sql = db.createStatement()) {
            assertThat(single(sql, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(Long.parseLong(single(sql, "SELECT COUNT(*) FROM examples")))
                    .isBetween(1L, (long) CAP);
            assertThat(single(
                            sql,
                            "SELECT COUNT(*) FROM examples WHERE (ground_truth IS NULL) <> (labelled_ms IS" + " NULL)"))
                    .isEqualTo("0");
            assertThat(
                            single(
                                    sql,
                                    "SELECT COUNT(*) FROM (SELECT request_id FROM examples WHERE request_id LIKE 'p%'"
                                            + " GROUP BY request_id HAVING COUNT(*) <> 2 OR COUNT(ground_truth) NOT IN (0, 2))"))
                    .as("no request half stored, half evicted or half labelled")
                    .isEqualTo("0");
            assertThat(single(sql, "SELECT COUNT(*) FROM examples e JOIN forgotten f USING (model, request_id)"))
                    .as("nothing both held and forgotten")
                    .isEqualTo("0");
            assertThat(Long.parseLong(single(sql, "SELECT COUNT(*) FROM forgotten")))
                    .isLessThanOrEqualTo(CAP);
        }
    }

    private static String single(Statement sql, String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        assertThat(values).hasSize(1);
        return values.getFirst();
    }
}
