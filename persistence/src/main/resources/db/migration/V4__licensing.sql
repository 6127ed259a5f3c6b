-- Licensing read models, the code lookup, and the e-mail outbox. The LicenseOrder entities are the
-- source of truth; these tables are fed from their events (except activation_codes, written at creation).

-- Activation codes are looked up by SHA-256, never by the code itself.
CREATE TABLE activation_codes (
  code_hash   bytea       PRIMARY KEY,
  order_id    uuid        NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL
);

CREATE TABLE license_orders (
  order_id         uuid        PRIMARY KEY,
  po_number        text        NOT NULL,
  channel          text        NOT NULL,
  installer_email  text        NOT NULL,
  code_hint        text        NOT NULL,
  account_id       uuid,
  redeemed_at      timestamptz,
  created_at       timestamptz NOT NULL,
  created_by       text        NOT NULL,
  emails_requested int         NOT NULL DEFAULT 1
);
CREATE INDEX license_orders_account_idx ON license_orders (account_id);
CREATE INDEX license_orders_po_idx ON license_orders (po_number);

CREATE TABLE license_order_lines (
  order_id         uuid NOT NULL REFERENCES license_orders (order_id),
  sku              text NOT NULL,
  quantity         int  NOT NULL CHECK (quantity > 0),
  bonus            int  NOT NULL DEFAULT 0 CHECK (bonus >= 0),
  bonus_promotion  text,
  PRIMARY KEY (order_id, sku)
);

CREATE TABLE license_assignments (
  assignment_id  text        PRIMARY KEY,
  order_id       uuid        NOT NULL,
  serial         text        NOT NULL,
  sku            text        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'RELEASED')),
  reserved_by    text,
  reserved_at    timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX license_assignments_order_idx ON license_assignments (order_id);
CREATE INDEX license_assignments_serial_idx ON license_assignments (serial);
CREATE INDEX license_assignments_pending_idx ON license_assignments (order_id) WHERE status = 'PENDING';

-- Outgoing e-mail: written in the same transaction as the projection offset, sent by one dispatcher with
-- bounded retries and back-off. dedup_key makes a replayed event queue nothing twice.
CREATE TABLE email_outbox (
  id               bigserial   PRIMARY KEY,
  dedup_key        text        NOT NULL UNIQUE,
  recipient        text        NOT NULL,
  subject          text        NOT NULL,
  body             text        NOT NULL,
  created_at       timestamptz NOT NULL,
  attempts         int         NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  sent_at          timestamptz,
  failed_at        timestamptz,
  last_error       text
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The plan as the directory shows it, and the next instant the device's entity must wake for its plan.
ALTER TABLE device_directory
  ADD COLUMN plan                      text NOT NULL DEFAULT 'BASIC',
  ADD COLUMN plan_ends_at              timestamptz,
  ADD COLUMN covered_until             timestamptz,
  ADD COLUMN plan_deadline             timestamptz,
  ADD COLUMN warranty_ends_at          timestamptz,
  ADD COLUMN battery_warranty_ends_at  timestamptz;
CREATE INDEX device_directory_plan_deadline_idx ON device_directory (plan_deadline) WHERE plan_deadline IS NOT NULL;
