package io.fogline.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void sqliteWriteThatCannotUpgradeItsSnapshotRunsAgainAndCommitsOnce() throws SQLException {
        Path file = dir.resolve("control.db");
        try (Database database = Database.sqlite(file);
                Connection other = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = other.createStatement()) {
                statement.execute("CREATE TABLE counter (n INTEGER)");
                statement.execute("INSERT INTO counter VALUES (0)");
            }
            AtomicInteger attempts = new AtomicInteger();

            int seen = database.write(connection -> {
                int n = count(connection);
                if (attempts.incrementAndGet() == 1) {
                    // Another process writes after this transaction took its snapshot: its write must now fail busy.
                    try (Statement statement = other.createStatement()) {
                        statement.executeUpdate("UPDATE counter SET n = n + 10");
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE counter SET n = n + 1");
                }
                return n;
            });

            assertThat(attempts).hasValue(2);
            assertThat(seen).isEqualTo(10);
            assertThat(database.read(DatabaseTest::count)).isEqualTo(11);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void aSnapshotSeesOneStateWhileAnotherTransactionCommits(TestStore kind) {
        try (TestStore.Created created = kind.create();
                Database database = created.url() == null
                        ? Database.sqlite(dir.resolve("control.db"))
                        : Database.postgres(created.url(), 4)) {
            database.write(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE counter (n INTEGER)");
                    statement.execute("INSERT INTO counter VALUES (0)");
                }
                return null;
            });

            List<Integer> seen = database.snapshot(connection -> {
                int before = count(connection);
                database.write(other -> {
                    try (Statement statement = other.createStatement()) {
                        return statement.executeUpdate("UPDATE counter SET n = n + 1");
                    }
                });
                return List.of(before, count(connection));
            });

            assertThat(seen).containsExactly(0, 0);
            assertThat(database.read(DatabaseTest::count)).isEqualTo(1);
        }
    }

    private static int count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT n FROM counter")) {
            row.next();
            return row.getInt(1);
        }
    }
}
