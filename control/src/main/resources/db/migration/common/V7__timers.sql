-- Timers that run once across replicas (issue 12): a replica runs a timer's step only when it moves the step's due
-- time on by one period, which one replica at a time can.
CREATE TABLE timers (
    name   TEXT PRIMARY KEY,
    due_at BIGINT NOT NULL,
    holder TEXT
);
