package dev.parley.gateway.messages;

import static dev.parley.gateway.messagerows.MessageColumns.COLUMNS;

/** Every statement the messages feature runs, named. */
public final class MessageSql {
  private MessageSql() {}

  /** Oldest first, after a seq: the index on (conversation_id, seq) serves it. */
  static final String PAGE_AFTER =
      "SELECT "
          + COLUMNS
          + " FROM messages m WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq ASC LIMIT $3";

  /** Newest first, before a seq (the caller reverses the page). */
  static final String PAGE_BEFORE =
      "SELECT "
          + COLUMNS
          + " FROM messages m WHERE m.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3";

  /** The last message at or before a seq: the prev_seq of an after_seq page's first item. */
  static final String PREDECESSOR =
      "SELECT max(seq) FROM messages WHERE conversation_id = $1 AND seq <= $2";

  /** Where a message is (a deleted conversation's messages are nowhere). */
  static final String LOCATE =
      """
      SELECT m.conversation_id, m.seq FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.id = $1 AND c.deleted_at IS NULL""";

  /** One message object, as history shows it. */
  static final String ONE = "SELECT " + COLUMNS + " FROM messages m WHERE m.id = $1";

  /** What a change to a message needs to decide (under the conversation's lock). */
  static final String TARGET =
      """
      SELECT m.seq, m.sender_id, m.type, m.deleted_at IS NOT NULL AS deleted,
             EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id) AS has_attachments
      FROM messages m WHERE m.id = $1 AND m.conversation_id = $2""";

  /** The caller's role in the conversation; no row for a non-member. */
  static final String ROLE = "SELECT role FROM members WHERE conversation_id = $1 AND user_id = $2";

  static final String EDIT =
      "UPDATE messages SET content = $2, type = $3, edited_at = now() WHERE id = $1";

  /**
   * The slot stays (seq, sender, time); the text goes, so neither search nor anyone else can read
   * it any more. Its files are detached and its reactions cleared by the two statements below.
   */
  static final String SOFT_DELETE =
      "UPDATE messages SET deleted_at = now(), content = NULL WHERE id = $1";

  static final String DETACH_FILES = "DELETE FROM attachments WHERE message_id = $1";

  static final String CLEAR_REACTIONS = "DELETE FROM reactions WHERE message_id = $1";

  /** The files a sender may attach: uploaded by them. */
  static final String OWN_FILES =
      """
      SELECT id, name, size, content_type FROM files WHERE id = ANY($1::text[]) AND uploader_id = $2""";

  /**
   * Several resends' originals at once, each key looked up by the unique index on its own (the
   * LIMIT keeps the lateral subquery from being turned into a join the planner might scan):
   * {@code i} is the key's place in the arrays, from 1.
   */
  static final String BY_CLIENT_MSG_IDS =
      "SELECT k.i, m.* FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(c, s, key, i)"
          + " CROSS JOIN LATERAL (SELECT "
          + COLUMNS
          + " FROM messages m WHERE m.conversation_id = k.c AND m.sender_id = k.s AND m.client_msg_id = k.key LIMIT 1) m";
}
