-- Federated jobs (issue 13). A job's rounds, the devices chosen for each, the updates they sent and the refusals
-- counted are rows, so a control plane restarted mid-round, or another replica, carries the round on. Updates are
-- stored decoded (little-endian FP32), so aggregation reads them back in slices of coordinates.

-- Devices that take part: their configuration gives them training data, and they say how many examples it holds.
CREATE TABLE fl_devices (
    device_id  TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    examples   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE fl_jobs (
    id              TEXT PRIMARY KEY,
    spec            TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    round           BIGINT NOT NULL DEFAULT 0,
    global_sha256   TEXT NOT NULL,
    global_size     BIGINT NOT NULL,
    dimension       BIGINT NOT NULL,
    optimizer_state ${bytes},
    result_version  BIGINT,
    result_bundle   TEXT,
    rollout_id      BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE fl_rounds (
    job_id        TEXT NOT NULL REFERENCES fl_jobs (id),
    round         BIGINT NOT NULL,
    state         TEXT NOT NULL,
    global_sha256 TEXT NOT NULL,
    global_size   BIGINT NOT NULL,
    opened_at     BIGINT NOT NULL,
    deadline_at   BIGINT NOT NULL,
    chosen        BIGINT NOT NULL,
    aggregated    BIGINT,
    loss          DOUBLE PRECISION,
    accuracy      DOUBLE PRECISION,
    eval_accuracy DOUBLE PRECISION,
    reason        TEXT,
    closed_at     BIGINT,
    PRIMARY KEY (job_id, round)
);

CREATE INDEX fl_rounds_by_state ON fl_rounds (state);

CREATE TABLE fl_cohort (
    job_id    TEXT NOT NULL,
    round     BIGINT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    PRIMARY KEY (job_id, round, device_id)
);

CREATE INDEX fl_cohort_by_device ON fl_cohort (device_id);

CREATE TABLE fl_updates (
    job_id      TEXT NOT NULL,
    round       BIGINT NOT NULL,
    device_id   TEXT NOT NULL,
    examples    BIGINT NOT NULL,
    loss        DOUBLE PRECISION,
    accuracy    DOUBLE PRECISION,
    norm        DOUBLE PRECISION NOT NULL,
    delta       ${bytes} NOT NULL,
    received_at BIGINT NOT NULL,
    screened    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, round, device_id)
);

CREATE TABLE fl_refusals (
    job_id TEXT NOT NULL,
    round  BIGINT NOT NULL,
    reason TEXT NOT NULL,
    count  BIGINT NOT NULL,
    PRIMARY KEY (job_id, round, reason)
);
