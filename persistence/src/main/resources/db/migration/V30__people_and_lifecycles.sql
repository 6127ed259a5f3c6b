-- Issue 13 (people and lifecycles): the ACCOUNT_OPERATOR role, disabled users and forced password
-- changes, a richer audit record, and an append-only audit table.

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('SUPPORT', 'ACCOUNT_ADMIN', 'ACCOUNT_OPERATOR', 'ACCOUNT_VIEWER'));
-- Set by an admin's password reset (and for a generated bootstrap password in production): the user
-- may sign in, but may do nothing but change their password until they have.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id) WHERE revoked_at IS NULL;

-- Who (actor and role), from where (client address), besides when, what and the outcome.
ALTER TABLE audit_log ADD COLUMN actor_role text;
ALTER TABLE audit_log ADD COLUMN source text;
CREATE INDEX audit_log_account_id_idx ON audit_log (account_id, id DESC);

-- Append-only for the application's role: no UPDATE, DELETE or TRUNCATE grant, even for the owner
-- (owners hold table privileges like anybody else and may give them up), and a trigger that refuses
-- both in case a privilege is granted again by mistake.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
