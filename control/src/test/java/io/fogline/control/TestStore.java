package io.fogline.control;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The two databases every control test runs against. PostgreSQL is the one on 127.0.0.1:5432 (trust auth, user
 * postgres; {@code FOGLINE_TEST_POSTGRES} overrides the URL of its maintenance database): each test gets a database
 * of its own, made with a random name and dropped afterwards.
 */
public enum TestStore {
    SQLITE,
    POSTGRES;

    private static final String MAINTENANCE = System.getenv()
            .getOrDefault("FOGLINE_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    /** A fresh database: null (SQLite in the data directory) or a PostgreSQL URL. */
    public Created create() {
        if (this == SQLITE) {
            return new Created(null, () -> {});
        }
        String name = "fogline_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE DATABASE " + name);
        String url = MAINTENANCE.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        return new Created(url, () -> execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    /** A created database and how to drop it. */
    public record Created(String url, Runnable drop) implements AutoCloseable {
        @Override
        public void close() {
            drop.run();
        }
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(MAINTENANCE);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + MAINTENANCE + " refused '" + sql + "' (" + e.getMessage()
                            + "); start it with scripts/postgres.sh",
                    e);
        }
    }
}
