package dev.parley.gateway.messagerows;

import dev.parley.contract.wire.ChatMessage;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * Messages the stream acknowledged and the worker has not stored yet, handed to a query as one
 * parameter so it computes over them exactly what it computes over stored rows: the conversation
 * list's last message, unread count, order and un-hiding, a conversation's head, search's matches
 * and ranking. One rule for both, in SQL, instead of a second copy of it in Java.
 *
 * <p>The CTE {@code unstored} has the columns the worker would insert. A message Postgres already
 * holds (stored above the ack floor, not acknowledged yet) is dropped from it: the stored row wins,
 * with any edit made since.
 */
public final class UnstoredSql {
  private UnstoredSql() {}

  /**
   * The CTE {@code unstored}, read from parameter {@code $param} ({@link #json}). Whether Postgres
   * has a row is one index probe per message (the lateral {@code LIMIT 1} keeps it a probe: as
   * {@code NOT EXISTS} the planner, guessing 100 rows for the function, may hash the whole table).
   */
  public static String cte(int param) {
    return """
        unstored AS MATERIALIZED (
          SELECT x.* FROM json_to_recordset($%d::text::json) AS x(
            id text, conversation_id text, seq bigint, sender_id text, type text, content text, reply_to_id text,
            client_msg_id text, system jsonb, created_at timestamptz, attachments json)
          LEFT JOIN LATERAL (
            SELECT true AS stored FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq = x.seq LIMIT 1
          ) s ON true
          WHERE s.stored IS NULL)
        """
        .formatted(param);
  }

  /**
   * A message object's columns from {@code unstored x}, in the order and types of
   * {@link MessageColumns#COLUMNS} (so the two union). {@code prev_seq} is the previous message stored
   * or not; an unstored message has no edit, no reactions and is not deleted (those calls wait
   * until it is stored).
   */
  public static final String COLUMNS =
      """
      x.id, x.conversation_id, x.seq,
      greatest((SELECT max(s.seq) FROM messages s WHERE s.conversation_id = x.conversation_id AND s.seq < x.seq),
               (SELECT max(y.seq) FROM unstored y WHERE y.conversation_id = x.conversation_id AND y.seq < x.seq)) AS prev_seq,
      x.sender_id, x.type, x.content, x.reply_to_id, x.client_msg_id, x.system, x.created_at,
      NULL::timestamptz AS edited_at, false AS deleted, coalesce(x.attachments, '[]'::json) AS attachments,
      '[]'::json AS reactions
      """;

  /** The parameter of {@link #cte}: the messages as their drafts, each with its seq. */
  public static String json(List<ChatMessage> messages) {
    JsonArray out = new JsonArray();
    for (ChatMessage m : messages) {
      out.add(m.toDraftJson().put("seq", m.seq()));
    }
    return out.encode();
  }

  /** {@link #json} of no message: the common case, where the worker has stored everything. */
  public static final String NONE = "[]";
}
