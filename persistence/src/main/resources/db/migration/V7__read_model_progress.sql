-- Issue 10: how far each read model has applied each persistence id's events, contiguously. The device
-- projection raises seq_nr in the same transaction as its read-model writes and its offset, only when an
-- event follows the previous one without a hole; ReadModelReconciler compares it with the journal and
-- re-applies what the tag query skipped (an event committed after the read journal moved past it).
CREATE TABLE read_model_progress (
  projection      text   NOT NULL,
  persistence_id  text   NOT NULL,
  seq_nr          bigint NOT NULL,
  PRIMARY KEY (projection, persistence_id)
);

-- Devices that exist already: their read models are taken as complete up to the journal's end (a
-- projection still behind re-applies the rest idempotently, as before).
INSERT INTO read_model_progress (projection, persistence_id, seq_nr)
  SELECT 'device-read-models', persistence_id, max(sequence_number)
  FROM event_journal WHERE persistence_id LIKE 'UpsDevice|%' GROUP BY persistence_id;
