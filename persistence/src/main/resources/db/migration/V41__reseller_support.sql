-- Reseller renewal support (issue 12, DOMAIN.md §9). An account names a preferred reseller and consents to share
-- lifecycle data only (scope); the reseller accepts a single-use code within 7 days; the account may revoke at any
-- time. One live invitation per account (a re-invite supersedes the previous one).
CREATE TABLE reseller_invitations (
  id                uuid        PRIMARY KEY,
  account_id        uuid        NOT NULL REFERENCES accounts (id),
  reseller_email    text        NOT NULL,
  scope             text        NOT NULL,
  consented_by      text        NOT NULL,
  consented_at      timestamptz NOT NULL,
  code_hash         bytea       NOT NULL UNIQUE,
  expires_at        timestamptz NOT NULL,
  accepted_at       timestamptz,
  reseller_user_id  uuid        REFERENCES users (id),
  revoked_at        timestamptz,
  revoked_by        text,
  superseded_at     timestamptz
);
CREATE UNIQUE INDEX reseller_invitations_live_idx ON reseller_invitations (account_id) WHERE superseded_at IS NULL;
CREATE INDEX reseller_invitations_user_idx ON reseller_invitations (reseller_user_id) WHERE reseller_user_id IS NOT NULL;

-- A RESELLER user belongs to no account (like SUPPORT); what it may read comes from reseller_invitations.
-- Issue 13 changes the same constraints for ACCOUNT_OPERATOR: merge both role lists into one.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('SUPPORT', 'ACCOUNT_ADMIN', 'ACCOUNT_OPERATOR', 'ACCOUNT_VIEWER', 'RESELLER'));
ALTER TABLE users ADD CONSTRAINT users_account_check
  CHECK ((role IN ('SUPPORT', 'RESELLER')) = (account_id IS NULL));
