package dev.parley.gateway.search;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The search statement for one query. Its shape depends on the query's terms (one trigram
 * condition per term), so it is built here; user text only ever travels as a parameter.
 *
 * <p>Two ways to match, in one scan of the caller's conversations:
 * <ul>
 *   <li>full text: {@code search_vector @@ websearch_to_tsquery('simple', q)}, every word as a whole
 *       word, with phrases, {@code or} and {@code -word} (served by {@code messages_search});</li>
 *   <li>trigram: each term fuzzily ({@code content %> term}: a partial word or a typo), every group
 *       needed, exclusions still applied (served by {@code messages_trigram}).</li>
 * </ul>
 * Full-text matches rank first (by {@code ts_rank_cd}: more of an {@code or}'s words, closer
 * together, rank higher), then trigram-only matches (by word similarity); newest first on ties.
 * The ranking runs over ids only, and the {@code LIMIT}ed rows alone get their attachments and
 * reactions.
 */
final class SearchSql {
  private SearchSql() {}

  /** The statement and its parameters. */
  record Statement(String sql, Tuple params) {}

  private static final String FTS = "websearch_to_tsquery('simple'::regconfig, $1::text)";

  static final String COLUMNS = """
      m.id, m.conversation_id, m.seq, m.prev_seq, m.sender_id, m.type, m.content, m.reply_to_id, m.client_msg_id,
      m.system, m.created_at, m.edited_at, m.deleted_at IS NOT NULL AS deleted,
      COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'content_type', f.content_type)
                                ORDER BY a.position)
                FROM attachments a JOIN files f ON f.id = a.file_id WHERE a.message_id = m.id), '[]'::json) AS attachments,
      COALESCE((SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'user_ids', r.users) ORDER BY r.first_at)
                FROM (SELECT emoji, count(*) AS n, json_agg(user_id ORDER BY created_at) AS users, min(created_at) AS first_at
                      FROM reactions WHERE message_id = m.id GROUP BY emoji) r), '[]'::json) AS reactions
      """;

  static Statement build(SearchQuery query, String userId, String conversationId, int limit) {
    List<Object> params = new ArrayList<>();
    params.add(query.text());   // $1
    params.add(userId);         // $2
    params.add(limit);          // $3
    StringBuilder trigram = new StringBuilder();
    for (List<SearchQuery.Term> group : query.groups()) {
      trigram.append(trigram.length() == 0 ? "" : " AND ").append('(');
      for (int k = 0; k < group.size(); k++) {
        SearchQuery.Term term = group.get(k);
        params.add(term.text());
        String p = "$" + params.size() + "::text";
        trigram.append(k == 0 ? "" : " OR ").append(term.fuzzy()
            ? "m.content %> " + p
            : "m.search_vector @@ " + (term.phrase() ? "phraseto_tsquery" : "plainto_tsquery") + "('simple'::regconfig, " + p + ")");
      }
      trigram.append(')');
    }
    if (!query.excluded().isEmpty()) {
      params.add(query.exclusionsText());
      trigram.append(" AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $").append(params.size()).append("::text)");
    }
    String scope = "";
    if (conversationId != null) {
      params.add(conversationId);
      scope = " AND mb.conversation_id = $" + params.size();
    }
    String sql = "SELECT " + COLUMNS + ", hits.exact"
        + " FROM (SELECT m.id, m.seq, m.search_vector @@ " + FTS + " AS exact,"
        + "   CASE WHEN m.search_vector @@ " + FTS + " THEN ts_rank_cd(m.search_vector, " + FTS + ")"
        + "     ELSE word_similarity($1::text, m.content) END AS score"
        + "   FROM members mb"
        + "   JOIN conversations c ON c.id = mb.conversation_id AND c.deleted_at IS NULL"
        + "   JOIN messages m ON m.conversation_id = mb.conversation_id"
        + "   WHERE mb.user_id = $2" + scope
        + "     AND m.deleted_at IS NULL AND m.type <> 'system'"
        + "     AND (m.search_vector @@ " + FTS + " OR (" + trigram + "))"
        + "   ORDER BY exact DESC, score DESC, m.seq DESC LIMIT $3) hits"
        + " JOIN messages m ON m.id = hits.id"
        + " ORDER BY hits.exact DESC, hits.score DESC, hits.seq DESC";
    return new Statement(sql, Tuple.from(params));
  }
}
