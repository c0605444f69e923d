package dev.parley.gateway.reactions;

/** Every statement reactions run, named. The primary key (message, emoji, user) makes adding twice a no-op. */
final class ReactionSql {
  private ReactionSql() {}

  static final String ADD =
      """
      INSERT INTO reactions (message_id, emoji, user_id) VALUES ($1, $2, $3)
      ON CONFLICT (message_id, emoji, user_id) DO NOTHING""";

  /** How many distinct emoji the message carries, and whether {@code $2} is one of them. */
  static final String DISTINCT =
      """
      SELECT count(DISTINCT emoji) AS distinct_emoji, coalesce(bool_or(emoji = $2), false) AS present
      FROM reactions WHERE message_id = $1""";

  static final String REMOVE =
      "DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3";
}
