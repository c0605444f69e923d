package dev.parley.gateway.messages;

/** Every statement the messages feature runs, named. */
final class MessageSql {
  private MessageSql() {}

  private static final String COLUMNS = """
      m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
      m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
      COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                                ORDER BY a.position)
                FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
      COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
                FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                      FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
      """;

  /** Oldest first, after a seq: the index on (conversation_id, seq) serves it. */
  static final String PAGE_AFTER = "SELECT " + COLUMNS
      + " FROM messages m WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq ASC LIMIT $3";

  /** Newest first, before a seq (the caller reverses the page). */
  static final String PAGE_BEFORE = "SELECT " + COLUMNS
      + " FROM messages m WHERE m.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3";

  /** The last message at or before a seq: the prev_seq of an after_seq page's first item. */
  static final String PREDECESSOR = "SELECT max(seq) FROM messages WHERE conversation_id = $1 AND seq <= $2";

  /** A resend beyond the stream's duplicate window finds the original here. */
  static final String BY_CLIENT_MSG_ID = "SELECT " + COLUMNS
      + " FROM messages m WHERE m.conversation_id = $1 AND m.sender_id = $2 AND m.client_msg_id = $3";
}
