-- Issue 11: sites, notification destinations and policies, the notification outbox (with its delivery
-- log), site outage incidents and the per-device state the notification projection keeps.

CREATE TABLE sites (
  id          uuid        PRIMARY KEY,
  account_id  uuid        NOT NULL REFERENCES accounts (id),
  name        text        NOT NULL,
  address     text,
  time_zone   text,
  created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX sites_account_name_key ON sites (account_id, lower(name));

-- A device's site (at most one), written synchronously by the API at registration or by PATCH.
CREATE TABLE device_sites (
  serial      text        PRIMARY KEY,
  account_id  uuid        NOT NULL REFERENCES accounts (id),
  site_id     uuid        NOT NULL REFERENCES sites (id),
  updated_at  timestamptz NOT NULL
);
CREATE INDEX device_sites_site_idx ON device_sites (site_id);

-- Where messages go. target = e-mail address or URL. secret = the WEBHOOK signing key, stored as issued
-- (the dispatcher must sign with it; the database is the trust boundary, like the journal).
CREATE TABLE notification_destinations (
  id          uuid        PRIMARY KEY,
  account_id  uuid        NOT NULL REFERENCES accounts (id),
  type        text        NOT NULL CHECK (type IN ('EMAIL', 'SLACK', 'TEAMS', 'WEBHOOK')),
  name        text        NOT NULL,
  target      text        NOT NULL,
  secret      text,
  created_at  timestamptz NOT NULL,
  next_send_at timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX notification_destinations_account_idx ON notification_destinations (account_id);

CREATE TABLE notification_policies (
  id                  uuid        PRIMARY KEY,
  account_id          uuid        NOT NULL REFERENCES accounts (id),
  name                text        NOT NULL,
  min_severity        text,
  event_types         text[]      NOT NULL DEFAULT '{}',
  site_ids            uuid[]      NOT NULL DEFAULT '{}',
  serials             text[]      NOT NULL DEFAULT '{}',
  destination_ids     uuid[]      NOT NULL,
  include_maintenance boolean     NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL
);
CREATE INDEX notification_policies_account_idx ON notification_policies (account_id);

-- One message to one destination. delivery_key is the stable idempotency key (X-Upsfleet-Delivery,
-- the e-mail's Message-ID); a replay of the projection inserts nothing twice. status: HELD (waiting
-- for the blip window), PENDING, SENT, DEAD (gave up), SUPPRESSED (covered by another message).
CREATE TABLE notification_outbox (
  id              bigserial   PRIMARY KEY,
  delivery_key    text        NOT NULL UNIQUE,
  account_id      uuid        NOT NULL,
  destination_id  uuid        NOT NULL REFERENCES notification_destinations (id) ON DELETE CASCADE,
  kind            text        NOT NULL,
  serial          text,
  site_id         uuid,
  incident_id     uuid,
  message         jsonb       NOT NULL,
  events          text[]      NOT NULL DEFAULT '{}',
  status          text        NOT NULL,
  attempts        int         NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_token     uuid,
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz,
  batch_key       text
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE status IN ('PENDING', 'HELD');
CREATE INDEX notification_outbox_account_idx ON notification_outbox (account_id, id DESC);
CREATE INDEX notification_outbox_serial_idx ON notification_outbox (serial, kind) WHERE status = 'HELD';

-- What the notification projection remembers of a device's power: for blips, flapping and incidents.
CREATE TABLE notify_device_power (
  serial          text        PRIMARY KEY,
  on_battery      boolean     NOT NULL,
  since           timestamptz NOT NULL,
  window_start    timestamptz NOT NULL,
  transitions     int         NOT NULL DEFAULT 0,
  flapping        boolean     NOT NULL DEFAULT false,
  incident_id     uuid,
  cause           text
);

-- A site outage: several devices of one site on battery within a short window.
CREATE TABLE incidents (
  id              uuid        PRIMARY KEY,
  account_id      uuid        NOT NULL,
  site_id         uuid        NOT NULL REFERENCES sites (id),
  site_name       text        NOT NULL,
  started_at      timestamptz NOT NULL,
  ended_at        timestamptz,
  on_battery      int         NOT NULL,
  peak            int         NOT NULL,
  devices_total   int         NOT NULL,
  serials         text[]      NOT NULL DEFAULT '{}',
  updated_at      timestamptz NOT NULL
);
CREATE INDEX incidents_account_idx ON incidents (account_id, started_at DESC);
CREATE UNIQUE INDEX incidents_open_site_key ON incidents (site_id) WHERE ended_at IS NULL;
