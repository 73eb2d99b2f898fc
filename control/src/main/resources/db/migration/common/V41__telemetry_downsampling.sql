-- Down-sampling of old telemetry (issue 11): a row may stand for several windows of a device merged into one bucket.
-- windows: how many windows as the device sent them the row holds (the daily quota counts these, not rows);
-- bucket_ms: the size of the bucket the row was merged into, 0 for a window as the device sent it.
ALTER TABLE telemetry_windows ADD COLUMN windows BIGINT NOT NULL DEFAULT 1;
ALTER TABLE telemetry_windows ADD COLUMN bucket_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE device_health_windows ADD COLUMN bucket_ms BIGINT NOT NULL DEFAULT 0;

CREATE INDEX telemetry_windows_to_downsample ON telemetry_windows (bucket_ms, end_ms);
CREATE INDEX device_health_windows_to_downsample ON device_health_windows (bucket_ms, end_ms);
