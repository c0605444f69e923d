-- Search looks only inside the caller's conversations, one conversation at a time: its GIN
-- indexes lead with conversation_id (btree_gin makes a text column a GIN key), so a probe
-- intersects that conversation's entries with the query's words or trigrams inside the index,
-- instead of reading every matching message of every conversation and discarding most.
-- System and deleted messages are never searched, so they are not indexed.
-- See docs/search.md for the plans and timings on a million messages.
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX IF EXISTS messages_search;
DROP INDEX IF EXISTS messages_trigram;

CREATE INDEX messages_search ON messages USING gin (conversation_id, search_vector)
  WHERE deleted_at IS NULL AND type <> 'system';
CREATE INDEX messages_trigram ON messages USING gin (conversation_id, content gin_trgm_ops)
  WHERE deleted_at IS NULL AND type <> 'system';
