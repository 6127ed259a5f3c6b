-- Read models and the tables the gateway owns directly (accounts, users, tokens, device credentials,
-- audit). Journal tables are in V1, projection offsets in V2. Every timestamp is UTC (timestamptz).

CREATE TABLE accounts (
  id          uuid        PRIMARY KEY,
  name        text        NOT NULL,
  created_at  timestamptz NOT NULL,
  created_by  text        NOT NULL
);
CREATE UNIQUE INDEX accounts_name_key ON accounts (lower(name));

CREATE TABLE users (
  id             uuid        PRIMARY KEY,
  username       text        NOT NULL,
  password_hash  text        NOT NULL,
  role           text        NOT NULL CHECK (role IN ('SUPPORT', 'ACCOUNT_ADMIN', 'ACCOUNT_VIEWER')),
  account_id     uuid        REFERENCES accounts (id),
  created_at     timestamptz NOT NULL,
  disabled       boolean     NOT NULL DEFAULT false,
  CHECK ((role = 'SUPPORT') = (account_id IS NULL))
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Bearer tokens are stored as SHA-256 of the token, never in clear.
CREATE TABLE api_tokens (
  token_hash  bytea       PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX api_tokens_expires_idx ON api_tokens (expires_at);

-- Written synchronously at registration: the edge authenticates CONNECTs against it.
CREATE TABLE device_credentials (
  serial       text        PRIMARY KEY,
  account_id   uuid        NOT NULL REFERENCES accounts (id),
  secret_hash  bytea       NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX device_credentials_account_idx ON device_credentials (account_id);

-- Fed by the device projection: one row per device for lists and searches.
CREATE TABLE device_directory (
  serial            text        PRIMARY KEY,
  account_id        uuid        NOT NULL,
  model             text        NOT NULL,
  registered_at     timestamptz NOT NULL,
  online            boolean     NOT NULL DEFAULT false,
  connection_lost   boolean     NOT NULL DEFAULT false,
  status_flags      text[]      NOT NULL DEFAULT '{}',
  temperature_high  boolean     NOT NULL DEFAULT false,
  firmware          text,
  node              text,
  remote_address    text,
  connected_since   timestamptz,
  disconnected_at   timestamptz,
  offline_deadline  timestamptz,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX device_directory_account_idx ON device_directory (account_id, serial);
CREATE INDEX device_directory_deadline_idx ON device_directory (offline_deadline) WHERE offline_deadline IS NOT NULL;
CREATE INDEX device_directory_online_idx ON device_directory (node) WHERE online;

-- Fed by the device projection: the event log (kept 30 days). (serial, seq_nr) makes replays idempotent.
CREATE TABLE device_events (
  serial       text        NOT NULL,
  seq_nr       bigint      NOT NULL,
  account_id   uuid        NOT NULL,
  type         text        NOT NULL,
  severity     text        NOT NULL,
  cause        text,
  occurred_at  timestamptz NOT NULL,
  device_time  timestamptz,
  details      jsonb       NOT NULL DEFAULT '{}',
  PRIMARY KEY (serial, seq_nr)
);
CREATE INDEX device_events_serial_time_idx ON device_events (serial, occurred_at DESC);
CREATE INDEX device_events_time_idx ON device_events (occurred_at);

-- Who did what, when: support actions, refusals, cross-tenant attempts, MQTT ACL violations.
CREATE TABLE audit_log (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor       text        NOT NULL,
  account_id  uuid,
  action      text        NOT NULL,
  target      text,
  outcome     text        NOT NULL,
  details     text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
