package dev.parley.gateway.conversations;

/**
 * The statements that change a conversation's members or settings, named. Each runs inside
 * {@code ConversationLog.change}, which holds the conversation's row lock.
 */
final class MemberSql {
  private MemberSql() {}

  static final String CONVERSATION =
      "SELECT " + ConversationSql.COLUMNS + " FROM conversations c WHERE c.id = $1";

  /**
   * A new member reads from the newest message on: its read position is set once that is written.
   * Returns the join time and the user's name (for the member entry) in one round trip.
   */
  static final String INSERT_MEMBER =
      """
      INSERT INTO members (conversation_id, user_id, role) VALUES ($1, $2, 'member')
      RETURNING joined_at, (SELECT name FROM users WHERE id = $2) AS name
      """;

  static final String START_READING_AT =
      """
      UPDATE members SET last_read_seq = greatest(last_read_seq, $3) WHERE conversation_id = $1 AND user_id = $2
      """;

  static final String DELETE_MEMBER =
      "DELETE FROM members WHERE conversation_id = $1 AND user_id = $2";

  static final String SET_ROLE =
      "UPDATE members SET role = $3 WHERE conversation_id = $1 AND user_id = $2";

  /**
   * Only the fields the request names change ($2/$4 say whether it names them). Returns the changed
   * conversation, which with the roster already read under the lock is the whole snapshot.
   */
  static final String UPDATE_CONVERSATION =
      """
      UPDATE conversations c
      SET name = CASE WHEN $2 THEN $3 ELSE c.name END,
          description = CASE WHEN $4 THEN $5 ELSE c.description END,
          updated_at = now()
      WHERE c.id = $1
      RETURNING\s"""
          + ConversationSql.COLUMNS;

  static final String TOUCH_CONVERSATION =
      "UPDATE conversations SET updated_at = now() WHERE id = $1";

  /** Soft delete: every query about conversations filters deleted_at, so the group is gone for everyone. */
  static final String DELETE_CONVERSATION =
      "UPDATE conversations SET deleted_at = now(), updated_at = now() WHERE id = $1";

  /** A direct conversation the member deleted: off their list until a newer message (the worker clears it). */
  static final String HIDE =
      "UPDATE members SET hidden_at = now() WHERE conversation_id = $1 AND user_id = $2";
}
