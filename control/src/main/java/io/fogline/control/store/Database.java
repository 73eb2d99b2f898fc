package io.fogline.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;

/**
 * The control plane's database: SQLite in the data directory by default, PostgreSQL for a fleet. Work runs in
 * transactions; SQLite has one writer at a time (a lock here, so writers queue instead of failing on SQLITE_BUSY),
 * readers run beside it in WAL mode. PostgreSQL writers run concurrently and lock the rows they must order on.
 */
public final class Database implements AutoCloseable {

    /** A unit of work on one connection inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final int MAX_ATTEMPTS = 5;

    private final HikariDataSource pool;
    private final boolean postgres;
    private final ReentrantLock sqliteWriter = new ReentrantLock(true);

    private Database(HikariDataSource pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    /** Opens SQLite at {@code file}, creating it, and brings its schema up to date. */
    public static Database sqlite(Path file) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath()
                + "?journal_mode=WAL&synchronous=NORMAL&foreign_keys=true&busy_timeout=10000");
        config.setMaximumPoolSize(4);
        config.setPoolName("fogline-sqlite");
        return open(config, false);
    }

    /** Opens PostgreSQL at a {@code jdbc:postgresql:} URL and brings its schema up to date. */
    public static Database postgres(String jdbcUrl, int maxConnections) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--database must be a jdbc:postgresql: URL, got '" + jdbcUrl + "'");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(maxConnections);
        config.setPoolName("fogline-postgres");
        return open(config, true);
    }

    private static Database open(HikariConfig config, boolean postgres) {
        config.setAutoCommit(false);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration/common")
                    .placeholders(Map.of(
                            "identity",
                            postgres
                                    ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
                                    : "INTEGER PRIMARY KEY AUTOINCREMENT",
                            "bytes",
                            postgres ? "BYTEA" : "BLOB"))
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, postgres);
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** {@code FOR UPDATE} where the database locks rows; SQLite's single writer already orders writers. */
    public String forUpdate() {
        return postgres ? " FOR UPDATE" : "";
    }

    /** Runs read-only work: it may see data committed after it started, never uncommitted data. */
    public <T> T read(Work<T> work) {
        return transaction(work);
    }

    /**
     * Runs read-only work that sees one committed state from its first statement to its last, for a view whose parts
     * must agree (a round's state and its refusals). SQLite's read transactions are that already; PostgreSQL's default
     * gives each statement a state of its own, so this one asks for repeatable read, which a read-only transaction
     * gets without ever failing.
     */
    public <T> T snapshot(Work<T> work) {
        return transaction(connection -> {
            if (postgres) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
                }
            }
            return work.run(connection);
        });
    }

    /**
     * Runs work that writes, in one transaction: all of it is committed or none. A transaction that lost a conflict
     * is run again: on PostgreSQL a deadlock or serialization failure, on SQLite a busy database (a transaction that
     * read before it wrote cannot upgrade when another connection wrote meanwhile, and SQLite says so at once,
     * without waiting). So the work must not act outside the database.
     */
    public <T> T write(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return postgres ? transaction(work) : asTheSqliteWriter(work);
            } catch (StoreException e) {
                if (attempt >= MAX_ATTEMPTS || !e.isConflict()) {
                    throw e;
                }
            }
        }
    }

    private <T> T asTheSqliteWriter(Work<T> work) {
        sqliteWriter.lock();
        try {
            return transaction(work);
        } finally {
            sqliteWriter.unlock();
        }
    }

    private <T> T transaction(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
