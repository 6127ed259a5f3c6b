-- The battery install date a device reports (NUT battery.date), kept with its telemetry points so the
-- reports can compute the battery's replace-by date (issue 12). Null when the sample did not carry it.
ALTER TABLE telemetry_history ADD COLUMN battery_date date;
