-- Device health per telemetry window (issue 14): what alerts and charts read most are columns, the whole reading
-- (every thermal zone) is the body. Times are epoch milliseconds, as in V1.
CREATE TABLE device_health_windows (
    id                   ${identity},
    device_id            TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    start_ms             BIGINT NOT NULL,
    end_ms               BIGINT NOT NULL,
    seconds              BIGINT NOT NULL,
    cpu_busy             DOUBLE PRECISION NOT NULL,
    memory_total         BIGINT NOT NULL,
    memory_available_min BIGINT NOT NULL,
    disk_total           BIGINT NOT NULL,
    disk_free_min        BIGINT NOT NULL,
    hottest_celsius      DOUBLE PRECISION,
    throttle_events      BIGINT NOT NULL,
    received_at          BIGINT NOT NULL,
    body                 TEXT NOT NULL
);

CREATE INDEX device_health_windows_by_end ON device_health_windows (end_ms);
CREATE INDEX device_health_windows_by_device ON device_health_windows (device_id, end_ms);
