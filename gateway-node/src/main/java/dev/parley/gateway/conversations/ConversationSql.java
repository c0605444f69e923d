package dev.parley.gateway.conversations;

import dev.parley.gateway.messages.MessageSql;

/** Every statement the conversation feature runs, named. */
final class ConversationSql {
  private ConversationSql() {}

  static final String ENSURE_USERS = """
      INSERT INTO users (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING
      """;

  static final String INSERT_GROUP = """
      INSERT INTO conversations (id, type, name, description, created_by)
      VALUES ($1, 'group', $2, $3, $4)
      RETURNING created_at, last_activity_at
      """;

  static final String INSERT_DIRECT = """
      INSERT INTO conversations (id, type, created_by, direct_key)
      VALUES ($1, 'direct', $2, $3)
      ON CONFLICT (direct_key) DO NOTHING
      RETURNING created_at, last_activity_at
      """;

  static final String FIND_DIRECT = "SELECT id FROM conversations WHERE direct_key = $1";

  static final String INSERT_MEMBERS = """
      INSERT INTO members (conversation_id, user_id, role)
      SELECT $1, u, r FROM unnest($2::text[], $3::text[]) AS t(u, r)
      ON CONFLICT (conversation_id, user_id) DO NOTHING
      """;

  static final String UNHIDE = "UPDATE members SET hidden_at = NULL WHERE conversation_id = $1 AND user_id = $2 AND hidden_at IS NOT NULL";

  /** A conversation object's columns, from {@code conversations c}, as {@code ConversationStore.conversationJson} reads them. */
  static final String COLUMNS =
      "c.id, c.type, c.name, c.description, c.created_by, c.last_seq, c.last_activity_at, c.created_at, c.updated_at";

  static final String DETAILS = "SELECT " + COLUMNS + "\n" + """
      FROM conversations c
      WHERE c.id = $1 AND c.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.id AND m.user_id = $2)
      """;

  static final String MEMBERS = """
      SELECT m.user_id, m.role, u.name, m.joined_at
      FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = $1
      ORDER BY m.joined_at, m.user_id
      """;

  static final String CONVERSATION_IDS_OF = """
      SELECT m.conversation_id FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = $1 AND c.deleted_at IS NULL
      """;

  /**
   * One query for a whole page. The page is chosen first (the caller's memberships, newest
   * activity first, after the cursor); only its rows then get their latest message and a capped
   * unread count, each an index probe (messages_conversation_seq; an index-only count on the
   * partial messages_countable index), so the cost grows with neither history nor the number of
   * conversations beyond the page. Unread: other people's live, non-system messages after the
   * read position (docs/api.md#read-positions-and-unread-counts).
   */
  static final String LIST = """
      SELECT p.*,
             lm.id AS lm_id, lm.conversation_id AS lm_conversation_id, lm.seq AS lm_seq, lm.prev_seq AS lm_prev_seq,
             lm.sender_id AS lm_sender_id, lm.type AS lm_type, lm.content AS lm_content, lm.reply_to_id AS lm_reply_to_id,
             lm.client_msg_id AS lm_client_msg_id, lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at,
             lm.deleted AS lm_deleted, lm.system AS lm_system, lm.attachments AS lm_attachments, lm.reactions AS lm_reactions,
             (SELECT count(*) FROM (
                SELECT 1 FROM messages x
                WHERE x.conversation_id = p.id AND x.seq > p.last_read_seq
                  AND x.deleted_at IS NULL AND x.type <> 'system' AND x.sender_id IS DISTINCT FROM p.user_id
                LIMIT 1000) capped) AS unread
      FROM (
        SELECT c.id, c.type, c.name, c.description, c.created_by, c.last_seq, c.last_activity_at, c.created_at, c.updated_at,
               m.user_id, m.role, m.last_read_seq
        FROM members m
        JOIN conversations c ON c.id = m.conversation_id
        WHERE m.user_id = $1 AND c.deleted_at IS NULL AND m.hidden_at IS NULL
          AND ($2::timestamptz IS NULL OR (c.last_activity_at, c.id) < ($2::timestamptz, $3::text))
        ORDER BY c.last_activity_at DESC, c.id DESC
        LIMIT $4
      ) p
      LEFT JOIN LATERAL (
        SELECT
        """ + MessageSql.COLUMNS + """
        FROM messages m WHERE m.conversation_id = p.id ORDER BY m.seq DESC LIMIT 1
      ) lm ON true
      ORDER BY p.last_activity_at DESC, p.id DESC
      """;
}
