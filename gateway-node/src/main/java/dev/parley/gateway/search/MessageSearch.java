package dev.parley.gateway.search;

import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.messagerows.MessageRows;
import dev.parley.gateway.messagerows.UnstoredSql;
import dev.parley.gateway.stream.UnstoredMessages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Full-text and trigram search over the messages Postgres holds and those acknowledged that the
 * worker has not stored yet ({@link UnstoredMessages}), limited in SQL to the caller's
 * conversations: a message is found from the moment it is acknowledged.
 */
public final class MessageSearch {
  /**
   * Session settings of search's own connections, sent when a connection opens (no query pays a
   * round trip for them): the trigram threshold of {@link SearchSql}, and generic plans. A custom
   * plan sees the query's trigrams, prices the trigram index by how common they are and scans the
   * conversation's rows instead, running word_similarity on each (10-20 µs a row, which the
   * planner counts as nearly free): 150 ms where the generic plan's index probes take 10 ms on
   * the million-message measurements in docs/search.md.
   */
  static final Map<String, String> CONNECTION_SETTINGS =
      Map.of(
          "pg_trgm.word_similarity_threshold",
          SearchSql.WORD_SIMILARITY_THRESHOLD,
          "plan_cache_mode",
          "force_generic_plan");

  private final Pool pool;
  private final UnstoredMessages unstored;
  private final Timer latency;
  private final Counter failures;

  /**
   * The connect options of search's own small pool: its settings stay off the connections other
   * features use, and a burst of slow searches cannot take the connections sends and history
   * reads need.
   */
  public static PgConnectOptions withSettings(PgConnectOptions options) {
    CONNECTION_SETTINGS.forEach(options::addProperty);
    return options;
  }

  /** @param pool a pool connecting with {@link #withSettings} */
  public MessageSearch(Pool pool, UnstoredMessages unstored, MeterRegistry registry) {
    this.pool = pool;
    this.unstored = unstored;
    this.latency =
        Timer.builder("parley_search_latency")
            .description("time to answer a message search, Postgres included")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.failures =
        Counter.builder("parley_search_failures_total")
            .description("message searches that failed on the database")
            .register(registry);
  }

  /**
   * What the worker has not stored yet, for the query to search too: nothing when it has stored
   * everything (one request tells), else the one conversation's unstored messages, or every
   * unstored message for a search over all of the caller's conversations (the query keeps theirs).
   */
  private Future<String> unstoredMessages(String conversationId) {
    Context ctx = Vertx.currentContext();
    return (conversationId == null ? unstored.window(ctx) : unstored.window(ctx, conversationId))
        .compose(
            window -> {
              if (window.isEmpty()) {
                return Future.succeededFuture(UnstoredSql.NONE);
              }
              return (conversationId == null
                      ? unstored.all(ctx, window)
                      : unstored.of(ctx, conversationId, window))
                  .map(UnstoredSql::json);
            });
  }

  /**
   * The best matches first, each a message object plus {@code highlight}.
   *
   * @param conversationId only this conversation (the caller's membership is checked before), or null for all
   */
  public Future<JsonArray> search(
      SearchQuery query, String userId, String conversationId, int limit) {
    long started = System.nanoTime();
    Set<String> words = query.highlightWords();
    return unstoredMessages(conversationId)
        .compose(
            pending -> {
              SearchSql.Statement statement =
                  SearchSql.build(query, userId, conversationId, limit, pending);
              return pool.preparedQuery(statement.sql())
                  .execute(statement.params())
                  .onFailure(e -> failures.increment())
                  .recover(Failures::database);
            })
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              for (Row r : rows) {
                JsonObject item = MessageRows.fromRow(r).toJson();
                item.put("highlight", Highlighter.highlight(r.getString("content"), words));
                items.add(item);
              }
              latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              return items;
            });
  }
}
