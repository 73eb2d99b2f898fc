-- Times are epoch milliseconds; JSON documents are text. One schema for SQLite and PostgreSQL: Database fills the
-- placeholders identity and bytes per database (SQLite gives BIGINT columns integer affinity).
CREATE TABLE bundles (
    digest       TEXT PRIMARY KEY,
    model        TEXT NOT NULL,
    version      BIGINT NOT NULL,
    manifest     ${bytes} NOT NULL,
    signature    ${bytes} NOT NULL,
    key_id       TEXT NOT NULL,
    size         BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    UNIQUE (model, version)
);

CREATE TABLE bundle_files (
    digest TEXT NOT NULL REFERENCES bundles (digest),
    path   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size   BIGINT NOT NULL,
    PRIMARY KEY (digest, path)
);

CREATE INDEX bundle_files_by_blob ON bundle_files (sha256);

CREATE TABLE enrolment_tokens (
    token_hash   TEXT PRIMARY KEY,
    device_group TEXT,
    labels       TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    uses_left    BIGINT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    credential_hash TEXT NOT NULL UNIQUE,
    device_group    TEXT,
    labels          TEXT NOT NULL,
    enrolled_at     BIGINT NOT NULL,
    last_seen       BIGINT,
    desired_digest  TEXT NOT NULL,
    last_seq        BIGINT NOT NULL DEFAULT 0,
    running         TEXT NOT NULL DEFAULT '[]',
    last_status     TEXT,
    last_reason     TEXT
);

CREATE TABLE desired_models (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    model     TEXT NOT NULL,
    version   BIGINT NOT NULL,
    bundle    TEXT NOT NULL,
    action_id BIGINT NOT NULL,
    PRIMARY KEY (device_id, model)
);

CREATE TABLE actions (
    id         ${identity},
    device_id  TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    rollout_id BIGINT,
    model      TEXT NOT NULL,
    version    BIGINT,
    bundle     TEXT,
    purpose    TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT,
    quality    TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX actions_by_device ON actions (device_id);

CREATE TABLE feedback (
    device_id   TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    action_id   BIGINT,
    status      TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE rollouts (
    id           ${identity},
    model        TEXT NOT NULL,
    version      BIGINT NOT NULL,
    bundle       TEXT NOT NULL REFERENCES bundles (digest),
    spec         TEXT NOT NULL,
    state        TEXT NOT NULL,
    state_reason TEXT,
    current_wave BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX rollouts_by_state ON rollouts (state);

-- One unfinished rollout per model: two could not both own a device's desired version of it.
CREATE UNIQUE INDEX one_unfinished_rollout_per_model ON rollouts (model)
    WHERE state IN ('running', 'waiting_approval', 'paused');

CREATE TABLE rollout_waves (
    rollout_id BIGINT NOT NULL REFERENCES rollouts (id),
    wave       BIGINT NOT NULL,
    first      BIGINT NOT NULL,
    size       BIGINT NOT NULL,
    started_at BIGINT,
    ended_at   BIGINT,
    result     TEXT NOT NULL,
    reason     TEXT,
    PRIMARY KEY (rollout_id, wave)
);

CREATE TABLE rollout_targets (
    rollout_id       BIGINT NOT NULL REFERENCES rollouts (id),
    device_id        TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    position         BIGINT NOT NULL,
    previous_version BIGINT,
    previous_bundle  TEXT,
    action_id        BIGINT,
    PRIMARY KEY (rollout_id, device_id),
    UNIQUE (rollout_id, position)
);

CREATE INDEX rollout_targets_by_action ON rollout_targets (action_id);
