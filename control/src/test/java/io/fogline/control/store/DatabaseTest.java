package io.fogline.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private static int count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT n FROM counter")) {
            row.next();
            return row.getInt(1);
        }
    }
}
