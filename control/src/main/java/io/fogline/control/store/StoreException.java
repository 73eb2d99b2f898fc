package io.fogline.control.store;

import java.sql.SQLException;

/** A database failure the caller cannot repair: the request fails with 500 and nothing partial is committed. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super("database: " + cause.getMessage(), cause);
    }

    /** A deadlock or serialization failure: running the transaction again can succeed. */
    boolean isConflict() {
        String state = ((SQLException) getCause()).getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
