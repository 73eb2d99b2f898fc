package io.fogline.control.store;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Timers that fire once per period across every replica on one database. A replica's step of a timer first claims
 * it: one conditional update moves the timer's due time a period on, and only the replica whose update found it due
 * runs the step. Nothing is held while the step runs, so a replica killed in a step blocks no other: the next period
 * is claimed as usual. A period of zero claims every time (tests step the timers themselves).
 */
public final class Timers {

    private final Database database;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();
    private final Consumer<String> ran;

    /** @param ran told the name of each timer this replica claimed */
    public Timers(Database database, Clock clock, Consumer<String> ran) {
        this.database = database;
        this.clock = clock;
        this.ran = ran;
    }

    /** Whether this replica runs timer {@code name}'s step now; if so, no replica does for {@code period}. */
    public boolean claim(String name, Duration period) {
        long now = clock.millis();
        boolean claimed = database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO timers (name, due_at) VALUES (?, 0) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE timers SET due_at = ?, holder = ? WHERE name = ? AND due_at <= ?")) {
                update.setLong(1, now + period.toMillis());
                update.setString(2, holder);
                update.setString(3, name);
                update.setLong(4, now);
                return update.executeUpdate() == 1;
            }
        });
        if (claimed) {
            ran.accept(name);
        }
        return claimed;
    }
}
