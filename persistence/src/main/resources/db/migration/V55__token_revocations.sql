-- Token revocations as a second channel between nodes, beside Pekko distributed pub-sub (at most once):
-- every node reads the rows of the last seconds every 500 ms and drops the revoked tokens from its cache.
-- Rows older than an hour are deleted; a revocation matters only while a node may still cache the token.
CREATE TABLE token_revocations (
  id BIGSERIAL PRIMARY KEY,
  user_id UUID,
  token_hash BYTEA,
  revoked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (user_id IS NOT NULL OR token_hash IS NOT NULL)
);
CREATE INDEX token_revocations_revoked_at ON token_revocations (revoked_at);
