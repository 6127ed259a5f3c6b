-- The newest firmware offered to a device and not yet installed (null when it runs the latest), for the
-- "firmware outdated" filter and count. Set from FirmwareOffered, cleared when FirmwareChanged reaches it.
ALTER TABLE device_directory ADD COLUMN firmware_available text;
CREATE INDEX device_directory_firmware_available_idx ON device_directory (account_id)
  WHERE firmware_available IS NOT NULL;
CREATE INDEX device_directory_model_idx ON device_directory (model, serial);

-- Downsampled telemetry: at most one point per device per interval (the start of the interval), written
-- in batches by TelemetryHistory off the entity's critical path. (serial, at) makes re-writes idempotent.
CREATE TABLE telemetry_history (
  serial               text        NOT NULL,
  at                   timestamptz NOT NULL,
  load                 real,
  charge               real,
  runtime              real,
  battery_temperature  real,
  input_voltage        real,
  output_voltage       real,
  status               text,
  PRIMARY KEY (serial, at)
);
-- The primary key serves one device's time-range reads; this one the retention purge by time.
CREATE INDEX telemetry_history_at_idx ON telemetry_history (at);
