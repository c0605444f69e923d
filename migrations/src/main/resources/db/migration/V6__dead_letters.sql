-- Stream entries the worker could not store, kept byte for byte so none is lost without a trace:
-- the payload as bytea (NUL, malformed UTF-8 and all), the headers, the error, for an operator to
-- inspect and replay (persistence-worker/README.md says how). Replaces undeliverable_events, which
-- kept the payload as text (lossy) and no headers.
CREATE TABLE dead_letters (
  stream_seq       bigint PRIMARY KEY,
  subject          text NOT NULL,
  -- a JSON object: header name -> list of values (text, not jsonb: it must take whatever came)
  headers          text NOT NULL DEFAULT '{}',
  payload          bytea NOT NULL,
  error            text NOT NULL,
  conversation_id  text,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  -- set by a replay: when, and the stream sequence the republished entry got
  replayed_at      timestamptz,
  replayed_as_seq  bigint
);
CREATE INDEX dead_letters_pending ON dead_letters (recorded_at) WHERE replayed_at IS NULL;

-- What earlier workers set aside moves over, so there is one place to look. undeliverable_events
-- stays (migrations only add): a worker of an older build still writes there during an upgrade.
INSERT INTO dead_letters (stream_seq, subject, payload, error, recorded_at)
SELECT stream_seq, subject, convert_to(payload, 'UTF8'), reason, recorded_at FROM undeliverable_events
ON CONFLICT (stream_seq) DO NOTHING;
