-- Telemetry and alerts (issue 6). Times are epoch milliseconds, as in V1.

-- Batch ids a device has sent: a batch is applied once, however often the device sends it.
CREATE TABLE telemetry_batches (
    device_id   TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    batch_id    TEXT NOT NULL,
    windows     BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, batch_id)
);

-- One row per device, model version and window; the figures alerts and charts read most are columns, the whole
-- window (histograms included) is the body.
CREATE TABLE telemetry_windows (
    id               ${identity},
    device_id        TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    model            TEXT NOT NULL,
    version          TEXT NOT NULL,
    start_ms         BIGINT NOT NULL,
    end_ms           BIGINT NOT NULL,
    seconds          BIGINT NOT NULL,
    requests         BIGINT NOT NULL,
    errors           BIGINT NOT NULL,
    escalations      BIGINT NOT NULL,
    cache_hits       BIGINT NOT NULL,
    p50_ms           DOUBLE PRECISION,
    p95_ms           DOUBLE PRECISION,
    p99_ms           DOUBLE PRECISION,
    bytes_upstream   BIGINT NOT NULL,
    bytes_cloud_only BIGINT NOT NULL,
    received_at      BIGINT NOT NULL,
    body             TEXT NOT NULL
);

CREATE INDEX telemetry_windows_by_end ON telemetry_windows (end_ms);
CREATE INDEX telemetry_windows_by_device ON telemetry_windows (device_id, end_ms);

CREATE TABLE device_events (
    id        ${identity},
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    model     TEXT,
    detail    TEXT,
    count     BIGINT NOT NULL
);

-- state: open, acknowledged (an operator saw it; it stays until its condition clears) or resolved.
CREATE TABLE alerts (
    id          ${identity},
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    device_id   TEXT,
    model       TEXT,
    version     TEXT,
    message     TEXT NOT NULL,
    value       DOUBLE PRECISION,
    threshold   DOUBLE PRECISION,
    state       TEXT NOT NULL,
    opened_at   BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    notified    BIGINT NOT NULL DEFAULT 0,
    attempts    BIGINT NOT NULL DEFAULT 0
);

-- One live alert per condition and subject: a condition that persists does not open a second one.
CREATE UNIQUE INDEX one_live_alert ON alerts (kind, subject) WHERE state IN ('open', 'acknowledged');
CREATE INDEX alerts_to_notify ON alerts (notified);
