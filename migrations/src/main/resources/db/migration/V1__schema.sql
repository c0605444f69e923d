-- Parley's whole schema for the API in API.md. Later features add little to it.
-- Ids are text: users bring their own (JWT `sub`), the rest are generated base64url ids.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
  id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._:@-]{1,128}$'),
  name        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
  id                text PRIMARY KEY,
  type              text NOT NULL CHECK (type IN ('direct', 'group')),
  name              text,
  description       text,
  created_by        text NOT NULL REFERENCES users (id),
  -- 'userA|userB' (sorted) for a direct conversation: the unique key that makes "create direct"
  -- race-free across nodes. NULL for groups.
  direct_key        text UNIQUE,
  last_seq          bigint NOT NULL DEFAULT 0,
  last_activity_at  timestamptz NOT NULL DEFAULT now(),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  CHECK ((type = 'direct') = (direct_key IS NOT NULL)),
  CHECK (type = 'group' OR name IS NULL)
);

CREATE TABLE members (
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id          text NOT NULL REFERENCES users (id),
  role             text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at        timestamptz NOT NULL DEFAULT now(),
  last_read_seq    bigint NOT NULL DEFAULT 0,
  -- a direct conversation the member deleted: hidden from their list until a newer message
  hidden_at        timestamptz,
  PRIMARY KEY (conversation_id, user_id)
);
-- "my conversations" walks this, never the members of every conversation
CREATE INDEX members_by_user ON members (user_id, conversation_id);

CREATE TABLE messages (
  id               text PRIMARY KEY,
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- the stream sequence: total order within a conversation, sparse across it
  seq              bigint NOT NULL,
  prev_seq         bigint,
  sender_id        text REFERENCES users (id),
  type             text NOT NULL CHECK (type IN ('text', 'system', 'file')),
  content          text,
  reply_to_id      text,
  client_msg_id    text,
  -- system messages: {"event","actor_id","user_id"}
  system           jsonb,
  created_at       timestamptz NOT NULL,
  edited_at        timestamptz,
  deleted_at       timestamptz,
  search_vector    tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(content, ''))) STORED,
  CONSTRAINT messages_conversation_seq UNIQUE (conversation_id, seq),
  -- beyond the stream's duplicate window this is what keeps a resend from being stored twice
  CONSTRAINT messages_client_msg_id UNIQUE (conversation_id, sender_id, client_msg_id)
);
-- unread counts: an index-only count of other people's live, non-system messages after a seq
CREATE INDEX messages_countable ON messages (conversation_id, seq, sender_id)
  WHERE deleted_at IS NULL AND type <> 'system';
CREATE INDEX messages_search ON messages USING gin (search_vector) WHERE deleted_at IS NULL;
CREATE INDEX messages_trigram ON messages USING gin (content gin_trgm_ops) WHERE deleted_at IS NULL;

CREATE TABLE reactions (
  message_id  text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users (id),
  emoji       text NOT NULL CHECK (length(emoji) BETWEEN 1 AND 64),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, emoji, user_id)
);

CREATE TABLE files (
  id            text PRIMARY KEY,
  uploader_id   text NOT NULL REFERENCES users (id),
  name          text NOT NULL,
  size          bigint NOT NULL CHECK (size >= 0),
  content_type  text NOT NULL,
  storage_key   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attachments (
  message_id       text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  file_id          text NOT NULL REFERENCES files (id),
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  position         int NOT NULL DEFAULT 0,
  PRIMARY KEY (message_id, file_id)
);
-- "may this user download this file": from the file to the conversations it is attached in
CREATE INDEX attachments_by_file ON attachments (file_id, conversation_id);

-- Stream entries the worker could not store (a poison entry must not stall the stream):
-- kept whole, with the reason, for an operator to inspect and replay.
CREATE TABLE undeliverable_events (
  stream_seq   bigint PRIMARY KEY,
  subject      text NOT NULL,
  payload      text NOT NULL,
  reason       text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
