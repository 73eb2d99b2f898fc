-- Rollouts and device listings that scale to fleets of 100,000 (issue 12): waves open, and devices are listed and
-- filtered, with set-based statements; nothing loads every device.

-- A device's desired state changes its revision, which its ETag is made of, so a wave can change thousands of
-- desired states in one statement (the digest of each state's JSON it replaces had to be computed device by device).
ALTER TABLE devices ADD COLUMN desired_revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE devices DROP COLUMN desired_digest;

-- Labels as rows, so selectors filter in the database; devices.labels keeps the whole map for display.
CREATE TABLE device_labels (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (device_id, label)
);

CREATE INDEX device_labels_by_value ON device_labels (label, value, device_id);
CREATE INDEX devices_by_group ON devices (device_group, id);
CREATE INDEX actions_by_rollout ON actions (rollout_id, purpose, device_id);

-- A switched update's verdict of the rollout's quality gates: 'ok', or the gate it broke; null until judged.
ALTER TABLE actions ADD COLUMN gate TEXT;
