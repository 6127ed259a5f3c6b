-- The notification projection looked up an incident's devices and a site's new wave of devices on battery
-- with sequential scans of notify_device_power (one row per device ever seen on battery): at 19 500 devices
-- with brownouts, 4 142 scans read 58 million rows in 75 s while the site locks of its batch were held, and
-- the other projection slices waited on those locks. These indexes make both look-ups index scans.

-- NotificationRules.incidentSerials: the devices of one incident, on battery or back.
CREATE INDEX notify_device_power_incident_idx ON notify_device_power (incident_id, on_battery)
  WHERE incident_id IS NOT NULL;

-- NotificationRules.wave: the devices on battery since a moment, not flapping and in no incident (few at a time).
CREATE INDEX notify_device_power_wave_idx ON notify_device_power (since)
  WHERE on_battery AND NOT flapping AND incident_id IS NULL;

-- The outbox's messages of one incident (the opening message, the pending update); the outbox keeps sent rows
-- for the delivery log until they age out.
CREATE INDEX notification_outbox_incident_idx ON notification_outbox (incident_id, kind)
  WHERE incident_id IS NOT NULL;
