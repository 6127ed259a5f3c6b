-- The next instant a device's entity must look at its remote commands (a TTL or an execution time-out),
-- so the watchdog can wake it after a restart. Fed by the device projection.
ALTER TABLE device_directory ADD COLUMN command_deadline timestamptz;
CREATE INDEX device_directory_command_deadline_idx ON device_directory (command_deadline)
  WHERE command_deadline IS NOT NULL;
