package dev.parley.gateway.conversations;

import dev.parley.gateway.messagerows.MessageColumns;
import dev.parley.gateway.messagerows.UnstoredSql;

/** Every statement the conversation feature runs, named. */
final class ConversationSql {
  private ConversationSql() {}

  /**
   * Locks a live conversation's row for the transaction of a change ({@link ConversationLog}): two
   * changes to one conversation commit in the order their entries take in the stream.
   */
  static final String LOCK_FOR_CHANGE =
      "SELECT type FROM conversations WHERE id = $1 AND deleted_at IS NULL FOR UPDATE";

  static final String ENSURE_USERS =
      """
      INSERT INTO users (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING
      """;

  static final String INSERT_GROUP =
      """
      INSERT INTO conversations (id, type, name, description, created_by)
      VALUES ($1, 'group', $2, $3, $4)
      RETURNING created_at, last_activity_at
      """;

  static final String INSERT_DIRECT =
      """
      INSERT INTO conversations (id, type, created_by, direct_key)
      VALUES ($1, 'direct', $2, $3)
      ON CONFLICT (direct_key) DO NOTHING
      RETURNING created_at, last_activity_at
      """;

  static final String FIND_DIRECT = "SELECT id FROM conversations WHERE direct_key = $1";

  static final String INSERT_MEMBERS =
      """
      INSERT INTO members (conversation_id, user_id, role)
      SELECT $1, u, r FROM unnest($2::text[], $3::text[]) AS t(u, r)
      ON CONFLICT (conversation_id, user_id) DO NOTHING
      """;

  static final String UNHIDE =
      "UPDATE members SET hidden_at = NULL WHERE conversation_id = $1 AND user_id = $2 AND hidden_at IS NOT NULL";

  /** A conversation object's columns, from {@code conversations c}, as {@code ConversationStore.conversationJson} reads them. */
  static final String COLUMNS =
      "c.id, c.type, c.name, c.description, c.created_by, c.last_seq, c.last_activity_at, c.created_at, c.updated_at";

  /** The conversation, for a member; no row for anyone else or a deleted one. */
  static final String DETAILS =
      "SELECT "
          + COLUMNS
          + "\n"
          + """
      FROM conversations c
      WHERE c.id = $1 AND c.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.id AND m.user_id = $2)
      """;

  /**
   * {@link #DETAILS} as a read answers it: its head ({@code last_seq}, {@code last_activity_at})
   * moved by the conversation's unstored messages ($3, {@link UnstoredSql}) as the worker will move
   * it when it stores them.
   */
  static final String DETAILS_READ =
      "WITH "
          + UnstoredSql.cte(3)
          + """
      SELECT c.id, c.type, c.name, c.description, c.created_by, greatest(c.last_seq, u.max_seq) AS last_seq,
             greatest(c.last_activity_at, u.newest) AS last_activity_at, c.created_at, c.updated_at
      FROM conversations c
      CROSS JOIN (SELECT max(x.seq) AS max_seq, max(x.created_at) AS newest FROM unstored x WHERE x.conversation_id = $1) u
      WHERE c.id = $1 AND c.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.id AND m.user_id = $2)
      """;

  static final String MEMBERS =
      """
      SELECT m.user_id, m.role, u.name, m.joined_at
      FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = $1
      ORDER BY m.joined_at, m.user_id
      """;

  /** The entries of the named users ($2) only: one index probe each, whatever the group's size. */
  static final String NAMED_MEMBERS =
      """
      SELECT m.user_id, m.role, u.name, m.joined_at
      FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = $1 AND m.user_id = ANY($2::text[])
      ORDER BY m.joined_at, m.user_id
      """;

  /**
   * The caller's live conversations, from {@code members_by_user}, each conversation a probe of
   * its primary key: the lateral's {@code LIMIT 1} keeps it one whatever the planner knows (as a
   * join, without statistics it read every conversation and probed members once per conversation).
   * Each comes with whether it has at most {@code $2} members; the count stops at $2 + 1 rows of
   * the members key, so a 10,000-member group costs no more than a small one.
   */
  static final String CONVERSATIONS_OF_WITH_SMALL =
      """
      SELECT m.conversation_id,
        (SELECT count(*) FROM (
           SELECT 1 FROM members x WHERE x.conversation_id = m.conversation_id LIMIT $2 + 1) upto
        ) <= $2 AS small
      FROM members m
      CROSS JOIN LATERAL (
        SELECT 1 FROM conversations c WHERE c.id = m.conversation_id AND c.deleted_at IS NULL LIMIT 1) live
      WHERE m.user_id = $1
      """;

  /**
   * One query for a whole page. The page is chosen first (the caller's memberships, newest
   * activity first, after the cursor); only its rows then get their latest message and a capped
   * unread count, each an index probe (messages_conversation_seq; an index-only count on the
   * partial messages_countable index), so the cost grows with neither history nor the number of
   * conversations beyond the page. Unread: other people's live, non-system messages after the
   * read position (docs/api.md#read-positions-and-unread-counts).
   *
   * <p>Messages acknowledged but not stored yet ($5, {@link UnstoredSql}; usually none) count as the
   * worker will store them: they move the conversation's activity and head ({@code touched}), bring
   * a hidden conversation back when newer than the hiding, move their sender's read position, may be
   * the last message, and count as unread. Postgres computes both with the same conditions.
   * {@code touched} is one row of two JSON objects keyed by conversation: each membership row looks
   * its conversation up there (a key lookup), instead of a join the planner, guessing one row for
   * the aggregate, would run as a nested loop comparing every membership with every conversation.
   *
   * <p>The page starts from the caller's memberships ({@code members_by_user}) and probes each
   * one's conversation in a lateral with {@code LIMIT 1}, so no plan reads every conversation: as
   * a join, a planner without statistics scanned all of them (125 ms at 10,000 conversations).
   */
  static final String LIST =
      "WITH "
          + UnstoredSql.cte(5)
          + """
      , touched AS (
          SELECT coalesce(jsonb_object_agg(g.conversation_id, g.max_seq), '{}') AS max_seq,
                 coalesce(jsonb_object_agg(g.conversation_id, g.newest), '{}') AS newest
          FROM (SELECT x.conversation_id, max(x.seq) AS max_seq, max(x.created_at) AS newest
                FROM unstored x GROUP BY x.conversation_id) g)
      SELECT p.*,
             lm.id AS lm_id, lm.conversation_id AS lm_conversation_id, lm.seq AS lm_seq, lm.prev_seq AS lm_prev_seq,
             lm.sender_id AS lm_sender_id, lm.type AS lm_type, lm.content AS lm_content, lm.reply_to_id AS lm_reply_to_id,
             lm.client_msg_id AS lm_client_msg_id, lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at,
             lm.deleted AS lm_deleted, lm.system AS lm_system, lm.attachments AS lm_attachments, lm.reactions AS lm_reactions,
             least(1000,
               (SELECT count(*) FROM (
                  SELECT 1 FROM messages x
                  WHERE x.conversation_id = p.id AND x.seq > r.read_seq
                    AND x.deleted_at IS NULL AND x.type <> 'system' AND x.sender_id IS DISTINCT FROM p.user_id
                  LIMIT 1000) capped)
               + (SELECT count(*) FROM unstored x
                  WHERE x.conversation_id = p.id AND x.seq > r.read_seq
                    AND x.type <> 'system' AND x.sender_id IS DISTINCT FROM p.user_id)) AS unread
      FROM (
        SELECT q.* FROM (
          SELECT c.id, c.type, c.name, c.description, c.created_by,
                 greatest(c.last_seq, (t.max_seq ->> c.id)::bigint) AS last_seq,
                 greatest(c.last_activity_at, (t.newest ->> c.id)::timestamptz) AS last_activity_at,
                 c.created_at, c.updated_at, m.user_id, m.role, m.last_read_seq, m.hidden_at,
                 (t.newest ->> c.id)::timestamptz AS unstored_newest
          FROM members m
          CROSS JOIN LATERAL (
            SELECT c.id, c.type, c.name, c.description, c.created_by, c.last_seq, c.last_activity_at,
                   c.created_at, c.updated_at
            FROM conversations c WHERE c.id = m.conversation_id AND c.deleted_at IS NULL LIMIT 1) c
          CROSS JOIN touched t
          WHERE m.user_id = $1) q
        WHERE (q.hidden_at IS NULL OR q.hidden_at < q.unstored_newest)
          AND ($2::timestamptz IS NULL OR (q.last_activity_at, q.id) < ($2::timestamptz, $3::text))
        ORDER BY q.last_activity_at DESC, q.id DESC
        LIMIT $4
      ) p
      CROSS JOIN LATERAL (
        SELECT greatest(p.last_read_seq,
                        (SELECT max(x.seq) FROM unstored x WHERE x.conversation_id = p.id AND x.sender_id = p.user_id)) AS read_seq
      ) r
      LEFT JOIN LATERAL (
        SELECT * FROM (
          (SELECT
      """
          + MessageColumns.COLUMNS
          + """
           FROM messages m WHERE m.conversation_id = p.id ORDER BY m.seq DESC LIMIT 1)
          UNION ALL
          (SELECT
      """
          + UnstoredSql.COLUMNS
          + """
           FROM unstored x WHERE x.conversation_id = p.id ORDER BY x.seq DESC LIMIT 1)
        ) newest ORDER BY newest.seq DESC LIMIT 1
      ) lm ON true
      ORDER BY p.last_activity_at DESC, p.id DESC
      """;
}
