-- Issue 13: a rotated device secret. The previous secret keeps working until the device first
-- connects with the new one, or until previous_valid_until (the grace period), whichever is first.
ALTER TABLE device_credentials ADD COLUMN previous_secret_hash bytea;
ALTER TABLE device_credentials ADD COLUMN previous_valid_until timestamptz;
