package dev.parley.gateway.search;

import dev.parley.gateway.messagerows.MessageColumns;
import dev.parley.gateway.messagerows.UnstoredSql;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The search statement for one query. Its shape depends on the query's terms (one trigram
 * condition per term), so it is built here; user text only ever travels as a parameter.
 *
 * <p>The plan is fixed by the statement's shape (docs/search.md has it, measured on a million
 * messages): the caller's live conversations first ({@code mine}, from {@code members_by_user}),
 * then each conversation searched on its own through the GIN indexes led by
 * {@code conversation_id} ({@code LATERAL … LIMIT} keeps the planner from reading every matching
 * message of every conversation first). Two tiers:
 * <ol>
 *   <li>{@code exact}: {@code search_vector @@ websearch_to_tsquery('simple', q)} — every word as a
 *       whole word, phrases, {@code or}, {@code -word} — ranked by {@code ts_rank_cd} (more of an
 *       {@code or}'s words, closer together, rank higher);</li>
 *   <li>{@code fuzzy}, only when the exact tier has fewer than {@code limit} hits: every term
 *       matched as part of a word or misspelt ({@code content %> term}, pg_trgm's word similarity),
 *       exclusions still applied, ranked by word similarity, always below every exact hit.</li>
 * </ol>
 * Newest first on equal scores. Only the {@code LIMIT}ed rows get their attachments and reactions.
 *
 * <p>Messages acknowledged but not stored yet ({@code unstored}, usually none; see
 * {@link UnstoredSql}) go through the same conditions and scores as stored ones: their
 * {@code search_vector} is computed as the table's generated column computes it, so a message is
 * found, ranked and highlighted the same before and after the worker stores it.
 */
final class SearchSql {
  private SearchSql() {}

  /** The statement and its parameters. */
  record Statement(String sql, Tuple params) {}

  /**
   * How alike a term and a stretch of a message must be for {@code %>} (pg_trgm's word similarity,
   * shared trigrams over all trigrams). pg_trgm's default, 0.6, misses one dropped letter in a
   * six-letter word ("relase"); 0.5 finds it, while 0.4 would let "deploy" find "employ".
   */
  static final String WORD_SIMILARITY_THRESHOLD = "0.5";

  private static final String TSQUERY = "websearch_to_tsquery('simple'::regconfig, $1::text)";
  private static final String SEARCHABLE = "m.deleted_at IS NULL AND m.type <> 'system'";

  /**
   * @param unstored the messages acknowledged and not stored yet that the search must see too
   *     ({@link UnstoredSql#json}; {@link UnstoredSql#NONE} when the worker has stored everything)
   */
  static Statement build(
      SearchQuery query, String userId, String conversationId, int limit, String unstored) {
    List<Object> params = new ArrayList<>();
    params.add(query.text()); // $1
    params.add(userId); // $2
    params.add(limit); // $3
    String fuzzy = fuzzyConditions(query, params);
    String scope = "";
    if (conversationId != null) {
      params.add(conversationId);
      scope = " AND mb.conversation_id = $" + params.size();
    }
    params.add(unstored);
    String sql =
        // each membership probes its conversation (LIMIT 1 keeps the lateral a probe): as a join,
        // a planner without statistics hashes every conversation instead
        "WITH mine AS MATERIALIZED ("
            + " SELECT mb.conversation_id FROM members mb"
            + " CROSS JOIN LATERAL (SELECT 1 FROM conversations c"
            + " WHERE c.id = mb.conversation_id AND c.deleted_at IS NULL LIMIT 1) live"
            + " WHERE mb.user_id = $2"
            + scope
            + "),"
            + UnstoredSql.cte(params.size())
            + ","
            // the unstored messages of the caller's conversations (a probe of members each), with
            // the
            // columns the conditions below read
            + " unstored_searchable AS ("
            + "  SELECT x.id, x.seq, x.type, x.content, NULL::timestamptz AS deleted_at,"
            + "   to_tsvector('simple'::regconfig, coalesce(x.content, '')) AS search_vector"
            + "  FROM unstored x WHERE EXISTS (SELECT 1 FROM members mb"
            + "   JOIN conversations c ON c.id = mb.conversation_id AND c.deleted_at IS NULL"
            + "   WHERE mb.conversation_id = x.conversation_id AND mb.user_id = $2"
            + scope
            + ")),"
            + " exact AS (SELECT e.* FROM ("
            + " SELECT h.* FROM mine CROSS JOIN LATERAL ("
            + "  SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, "
            + TSQUERY
            + ") AS score FROM messages m"
            + "  WHERE m.conversation_id = mine.conversation_id AND "
            + SEARCHABLE
            + "   AND m.search_vector @@ "
            + TSQUERY
            + "  ORDER BY score DESC, m.seq DESC LIMIT $3) h"
            + " UNION ALL"
            + " SELECT m.id, m.seq, 1 AS tier, ts_rank_cd(m.search_vector, "
            + TSQUERY
            + ") AS score FROM unstored_searchable m"
            + "  WHERE "
            + SEARCHABLE
            + " AND m.search_vector @@ "
            + TSQUERY
            + " ) e ORDER BY e.score DESC, e.seq DESC LIMIT $3),"
            + " fuzzy AS (SELECT f.* FROM ("
            + " SELECT h.* FROM mine CROSS JOIN LATERAL ("
            + "  SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM messages m"
            + "  WHERE m.conversation_id = mine.conversation_id AND "
            + SEARCHABLE
            + "   AND "
            + fuzzy
            + "   AND NOT m.search_vector @@ "
            + TSQUERY
            + "  ORDER BY score DESC, m.seq DESC LIMIT $3) h"
            + " UNION ALL"
            + " SELECT m.id, m.seq, 2 AS tier, word_similarity($1::text, m.content) AS score FROM unstored_searchable m"
            + "  WHERE "
            + SEARCHABLE
            + " AND "
            + fuzzy
            + " AND NOT m.search_vector @@ "
            + TSQUERY
            + " ) f WHERE (SELECT count(*) FROM exact) < $3"
            + " ORDER BY f.score DESC, f.seq DESC LIMIT $3),"
            + " hits AS (SELECT * FROM exact UNION ALL SELECT * FROM fuzzy)"
            + " SELECT "
            + MessageColumns.COLUMNS
            + ", hits.tier, hits.score"
            + " FROM hits JOIN messages m ON m.id = hits.id"
            + " UNION ALL"
            + " SELECT "
            + UnstoredSql.COLUMNS
            + ", hits.tier, hits.score"
            + " FROM hits JOIN unstored x ON x.id = hits.id"
            + " ORDER BY tier, score DESC, seq DESC LIMIT $3";
    return new Statement(sql, Tuple.from(params));
  }

  /** Every group of terms must match (one of its terms); exclusions still exclude. */
  private static String fuzzyConditions(SearchQuery query, List<Object> params) {
    StringBuilder out = new StringBuilder();
    for (List<SearchQuery.Term> group : query.groups()) {
      out.append(out.length() == 0 ? "" : " AND ").append('(');
      for (int k = 0; k < group.size(); k++) {
        SearchQuery.Term term = group.get(k);
        params.add(term.text());
        String p = "$" + params.size() + "::text";
        out.append(k == 0 ? "" : " OR ")
            .append(
                term.fuzzy()
                    ? "m.content %> " + p
                    : "m.search_vector @@ "
                        + (term.phrase() ? "phraseto_tsquery" : "plainto_tsquery")
                        + "('simple'::regconfig, "
                        + p
                        + ")");
      }
      out.append(')');
    }
    if (!query.excluded().isEmpty()) {
      params.add(query.exclusionsText());
      out.append(" AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $")
          .append(params.size())
          .append("::text)");
    }
    return out.toString();
  }
}
