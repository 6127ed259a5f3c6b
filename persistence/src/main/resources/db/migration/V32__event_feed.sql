-- Issue 13: the fleet-wide event feed reads one account's events newest first.
CREATE INDEX device_events_account_time_idx ON device_events (account_id, occurred_at DESC, serial DESC, seq_nr DESC);
