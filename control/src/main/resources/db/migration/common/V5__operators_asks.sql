-- What operators asked for (issue 12): resolved alerts reach the webhook too, and the fleet is counted per running
-- model version in the database.

-- Delivery of an alert's resolution, apart from that of its opening. Alerts resolved before this migration are not
-- announced now.
ALTER TABLE alerts ADD COLUMN resolution_notified BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN resolution_attempts BIGINT NOT NULL DEFAULT 0;
UPDATE alerts SET resolution_notified = 1 WHERE state = 'resolved';

-- What each device last reported running, as rows (devices.running keeps the list for display).
CREATE TABLE device_running (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    model     TEXT NOT NULL,
    version   BIGINT NOT NULL,
    PRIMARY KEY (device_id, model, version)
);

CREATE INDEX device_running_by_version ON device_running (model, version);
CREATE INDEX devices_by_last_seen ON devices (last_seen);
