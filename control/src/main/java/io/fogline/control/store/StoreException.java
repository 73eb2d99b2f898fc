package io.fogline.control.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A database failure the caller cannot repair: the request fails with 500 (503 when the pool had no connection free)
 * and nothing partial is committed.
 */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super("database: " + cause.getMessage(), cause);
    }

    private static final int SQLITE_BUSY = 5;

    /**
     * No connection came free within the pool's timeout: the database is overloaded, not broken, and the same request
     * can succeed a moment later.
     */
    public boolean isOverloaded() {
        return getCause() instanceof SQLTransientConnectionException;
    }

    /** A deadlock, serialization failure or busy SQLite database: running the transaction again can succeed. */
    boolean isConflict() {
        SQLException cause = (SQLException) getCause();
        String state = cause.getSQLState();
        // SQLite's extended result codes keep the primary code in their low byte.
        return "40001".equals(state) || "40P01".equals(state) || (cause.getErrorCode() & 0xff) == SQLITE_BUSY;
    }
}
