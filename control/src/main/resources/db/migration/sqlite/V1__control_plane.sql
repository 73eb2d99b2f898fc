-- Times are epoch milliseconds; JSON documents are text. Kept in step with ../postgresql/V1__control_plane.sql.
CREATE TABLE bundles (
    digest       TEXT PRIMARY KEY,
    model        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    manifest     BLOB NOT NULL,
    signature    BLOB NOT NULL,
    key_id       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    UNIQUE (model, version)
);

CREATE TABLE bundle_files (
    digest TEXT NOT NULL REFERENCES bundles (digest),
    path   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size   INTEGER NOT NULL,
    PRIMARY KEY (digest, path)
);

CREATE INDEX bundle_files_by_blob ON bundle_files (sha256);

CREATE TABLE enrolment_tokens (
    token_hash   TEXT PRIMARY KEY,
    device_group TEXT,
    labels       TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    uses_left    INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    credential_hash TEXT NOT NULL UNIQUE,
    device_group    TEXT,
    labels          TEXT NOT NULL,
    enrolled_at     INTEGER NOT NULL,
    last_seen       INTEGER,
    desired_digest  TEXT NOT NULL,
    last_seq        INTEGER NOT NULL DEFAULT 0,
    running         TEXT NOT NULL DEFAULT '[]',
    last_status     TEXT,
    last_reason     TEXT
);

CREATE TABLE desired_models (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    model     TEXT NOT NULL,
    version   INTEGER NOT NULL,
    bundle    TEXT NOT NULL,
    action_id INTEGER NOT NULL,
    PRIMARY KEY (device_id, model)
);

CREATE TABLE actions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id  TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    rollout_id INTEGER,
    model      TEXT NOT NULL,
    version    INTEGER,
    bundle     TEXT,
    purpose    TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT,
    quality    TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX actions_by_device ON actions (device_id);

CREATE TABLE feedback (
    device_id   TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    action_id   INTEGER,
    status      TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE rollouts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    model        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    bundle       TEXT NOT NULL REFERENCES bundles (digest),
    spec         TEXT NOT NULL,
    state        TEXT NOT NULL,
    state_reason TEXT,
    current_wave INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE INDEX rollouts_by_state ON rollouts (state);

-- One unfinished rollout per model: two could not both own a device's desired version of it.
CREATE UNIQUE INDEX one_unfinished_rollout_per_model ON rollouts (model)
    WHERE state IN ('running', 'waiting_approval', 'paused');

CREATE TABLE rollout_waves (
    rollout_id INTEGER NOT NULL REFERENCES rollouts (id),
    wave       INTEGER NOT NULL,
    first      INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    started_at INTEGER,
    ended_at   INTEGER,
    result     TEXT NOT NULL,
    reason     TEXT,
    PRIMARY KEY (rollout_id, wave)
);

CREATE TABLE rollout_targets (
    rollout_id       INTEGER NOT NULL REFERENCES rollouts (id),
    device_id        TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    previous_version INTEGER,
    previous_bundle  TEXT,
    action_id        INTEGER,
    PRIMARY KEY (rollout_id, device_id),
    UNIQUE (rollout_id, position)
);

CREATE INDEX rollout_targets_by_action ON rollout_targets (action_id);
