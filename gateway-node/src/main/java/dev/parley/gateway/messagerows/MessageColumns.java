package dev.parley.gateway.messagerows;

/**
 * The columns of a message object, as every query that returns messages selects them: history, a
 * conversation's last message, search hits. Kept apart from any one feature's statements because
 * several features read messages and none should need another for it.
 */
public final class MessageColumns {
  private MessageColumns() {}

  /**
   * A message object's columns, from {@code messages m}, as {@link MessageRows#fromRow} reads them
   * (search selects its hits with these too).
   */
  public static final String COLUMNS =
      """
      m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
      m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
      COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                                ORDER BY a.position)
                FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
      COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
                FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                      FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
      """;
}
