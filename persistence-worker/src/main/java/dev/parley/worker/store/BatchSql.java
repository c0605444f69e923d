package dev.parley.worker.store;

/**
 * Every statement the worker's store runs, named. A batch is one transaction running them in this
 * order: {@link #LOCK_CONVERSATIONS}, {@link #STORE_MESSAGES}, {@link #INSERT_ATTACHMENTS},
 * {@link #REPAIR_PREV_SEQ}, {@link #INSERT_DEAD_LETTERS}: at most four round trips whatever its
 * size. Batch values travel as arrays and are expanded with {@code unnest}. What follows from a
 * message (heads, read positions, prev_seq) is derived from the rows the batch inserted, so a
 * draft that was not stored (a redelivery, a resend caught by the client-id constraint) changes
 * nothing.
 */
final class BatchSql {

  /**
   * Serialises workers per conversation: {@code prev_seq} is derived from the rows a transaction
   * can see, so two transactions writing the same conversation must not overlap. Taken in id
   * order so two workers never wait on each other crosswise. NO KEY UPDATE does not block the
   * key-share locks that foreign-key checks on other tables take.
   */
  static final String LOCK_CONVERSATIONS =
      "SELECT id FROM conversations WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE";

  /**
   * The batch, skipping what is already there (redelivery: same id or same stream seq; a resend
   * beyond the stream's duplicate window: same client_msg_id), and in the same statement what the
   * rows it inserted change elsewhere. Returns {@code (conversation_id, seq)} of each inserted row.
   *
   * <p>{@code prev_seq} is the nearer of the previous message in the batch and the previous one in
   * the table (an index probe); {@link #REPAIR_PREV_SEQ} fixes the rare row this gets wrong.
   *
   * <p>The follow-ups read the rows this statement inserted ({@code RETURNING}), not the batch: a
   * row an earlier delivery stored had its follow-ups committed with it, in the same transaction.
   * <ul>
   *   <li>{@code conversations.last_seq} / {@code last_activity_at} only move forward, so an old
   *       batch committed late changes nothing;
   *   <li>docs/api.md#read-positions-and-unread-counts: sending a message moves the sender's read
   *       position to it (never backwards), and a direct conversation a member hid comes back to
   *       their list with a message newer than the hiding. Both are one {@code UPDATE} of
   *       {@code members}: two in one statement could not both change the same row. The new
   *       values are computed from the row as the update finds it ({@code mb}), so a read
   *       position another transaction moved meanwhile is never moved back.
   * </ul>
   */
  static final String STORE_MESSAGES =
      """
      WITH ins AS (
        INSERT INTO messages (id, conversation_id, seq, prev_seq, sender_id, type, content, reply_to_id,
                              client_msg_id, system, created_at)
        SELECT b.id, b.conversation_id, b.seq,
               greatest(lag(b.seq) OVER w,
                        (SELECT max(p.seq) FROM messages p WHERE p.conversation_id = b.conversation_id AND p.seq < b.seq)),
               b.sender_id, b.type, b.content, b.reply_to_id, b.client_msg_id, b.system::jsonb, b.created_at
        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                    $8::text[], $9::text[], $10::timestamptz[])
             AS b(id, conversation_id, seq, sender_id, type, content, reply_to_id, client_msg_id, system, created_at)
        WINDOW w AS (PARTITION BY b.conversation_id ORDER BY b.seq)
        ON CONFLICT DO NOTHING
        RETURNING conversation_id, seq, sender_id, created_at
      ), per_conversation AS (
        SELECT conversation_id, max(seq) AS max_seq, max(created_at) AS newest FROM ins GROUP BY conversation_id
      ), per_sender AS (
        SELECT conversation_id, sender_id, max(seq) AS max_seq
        FROM ins WHERE sender_id IS NOT NULL GROUP BY conversation_id, sender_id
      ), heads AS (
        UPDATE conversations c
        SET last_seq = greatest(c.last_seq, s.max_seq),
            last_activity_at = greatest(c.last_activity_at, s.newest)
        FROM per_conversation s
        WHERE c.id = s.conversation_id AND (c.last_seq < s.max_seq OR c.last_activity_at < s.newest)
      ), members_changed AS (
        UPDATE members mb
        SET last_read_seq = greatest(mb.last_read_seq, coalesce(t.read_seq, 0)),
            hidden_at = CASE WHEN mb.hidden_at < t.newest THEN NULL ELSE mb.hidden_at END
        FROM (SELECT m.conversation_id, m.user_id, r.max_seq AS read_seq, s.newest
              FROM per_conversation s
              JOIN members m ON m.conversation_id = s.conversation_id
              LEFT JOIN per_sender r ON r.conversation_id = m.conversation_id AND r.sender_id = m.user_id
              WHERE r.max_seq > m.last_read_seq OR m.hidden_at < s.newest) t
        WHERE mb.conversation_id = t.conversation_id AND mb.user_id = t.user_id
      )
      SELECT conversation_id, seq FROM ins""";

  /**
   * Links stored messages to their files; a message that was not stored gets no links, and
   * neither does one deleted since (a redelivered batch must not re-attach what a delete detached),
   * nor a file the gateways' sweep removed meanwhile (it links nothing, rather than fail the batch).
   */
  static final String INSERT_ATTACHMENTS =
      """
      INSERT INTO attachments (message_id, file_id, conversation_id, position)
      SELECT a.message_id, a.file_id, m.conversation_id, a.position
      FROM unnest($1::text[], $2::text[], $3::int[]) AS a(message_id, file_id, position)
      JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL
      JOIN files f ON f.id = a.file_id
      ON CONFLICT DO NOTHING""";

  /**
   * Self-healing {@code prev_seq}. Batches may commit out of stream order (a redelivery after a
   * crash, several workers), so a row stored earlier may now have a nearer predecessor. Recomputes
   * it for every row the batch inserted and for the next message after each (the only rows whose
   * predecessor an insert can change), with index probes on (conversation_id, seq), never a history
   * scan, and writes only where it differs. A batch that inserted nothing (a redelivery) skips it.
   */
  static final String REPAIR_PREV_SEQ =
      """
      WITH batch AS (
        SELECT DISTINCT conversation_id, seq FROM unnest($1::text[], $2::bigint[]) AS b(conversation_id, seq)
      ), touched AS (
        SELECT conversation_id, seq FROM batch
        UNION
        SELECT b.conversation_id, n.seq
        FROM batch b
        CROSS JOIN LATERAL (
          SELECT n.seq FROM messages n
          WHERE n.conversation_id = b.conversation_id AND n.seq > b.seq
          ORDER BY n.seq LIMIT 1) n
      ), wanted AS (
        SELECT t.conversation_id, t.seq,
               (SELECT max(p.seq) FROM messages p WHERE p.conversation_id = t.conversation_id AND p.seq < t.seq) AS prev_seq
        FROM touched t
      )
      UPDATE messages m SET prev_seq = w.prev_seq
      FROM wanted w
      WHERE m.conversation_id = w.conversation_id AND m.seq = w.seq AND m.prev_seq IS DISTINCT FROM w.prev_seq""";

  /**
   * Entries that cannot be stored, kept byte for byte (bytea: whatever the payload holds, NUL or
   * malformed UTF-8 included, it fits); a second delivery of the same entry changes nothing.
   */
  static final String INSERT_DEAD_LETTERS =
      """
      INSERT INTO dead_letters (stream, stream_seq, subject, headers, payload, error, conversation_id)
      SELECT * FROM unnest(
        $1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::text[])
      ON CONFLICT (stream, stream_seq) DO NOTHING""";

  /** Readiness probe. */
  static final String PING = "SELECT 1";

  private BatchSql() {}
}
