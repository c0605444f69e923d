package dev.parley.loadgen.query;

import dev.parley.loadgen.RunSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query scenario's data in the cluster's database ({@code query/seed.sql}): made when missing
 * or of another size, kept otherwise (a complete seed marks itself in the description of its first
 * conversation, as its last step), then read back as {@link SeededData}. Everything it writes has
 * an id starting {@code bench-q-}.
 */
final class QuerySeed {
  static final String FIRST_CONVERSATION = "bench-q-c0000000000001";

  /**
   * The conversation the writers send to while warming up, until the stream's sequence is above
   * every seeded seq of the conversations they then write to (their seeded seqs are small numbers,
   * and a stream entry with a seq a conversation already holds would not be stored).
   */
  static final String WARMUP_CONVERSATION = "bench-q-warmup00000000";

  private final Vertx vertx;
  private final RunSettings settings;

  QuerySeed(Vertx vertx, RunSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** What was done: "kept" or "seeded in N s", and the data read back. */
  record Outcome(String how, double seconds, SeededData data) {}

  Outcome ensure(int messages, int conversations, boolean reseed) throws Exception {
    String marker = "bench-q seed: " + messages + " messages, " + conversations + " conversations";
    PgConnection conn = await(PgConnection.connect(vertx, connectOptions()));
    try {
      String found =
          await(
                  conn.preparedQuery("SELECT description FROM conversations WHERE id = $1")
                      .execute(Tuple.of(FIRST_CONVERSATION)))
              .stream()
              .map(r -> r.getString(0))
              .findFirst()
              .orElse(null);
      long started = System.nanoTime();
      String how = "kept";
      if (reseed || !marker.equals(found)) {
        for (Map.Entry<String, String> step : steps(messages, conversations, marker).entrySet()) {
          long t = System.nanoTime();
          await(conn.query(step.getValue()).execute());
          System.out.printf(
              "query: seed: %s (%.1f s)%n", step.getKey(), (System.nanoTime() - t) / 1e9);
        }
        how = "seeded";
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Outcome(how, seconds, read(conn));
    } finally {
      conn.close();
    }
  }

  /** Makes the warm-up conversation (once) and makes the writers its members. */
  void warmupConversation(List<String> writers) throws Exception {
    PgConnection conn = await(PgConnection.connect(vertx, connectOptions()));
    try {
      await(
          conn.preparedQuery(
                  """
                  INSERT INTO conversations (id, type, name, created_by)
                  VALUES ($1, 'group', 'bench warm-up', $2) ON CONFLICT (id) DO NOTHING""")
              .execute(Tuple.of(WARMUP_CONVERSATION, writers.get(0))));
      await(
          conn.preparedQuery(
                  """
                  INSERT INTO members (conversation_id, user_id, role)
                  SELECT $1, unnest($2::text[]), 'member' ON CONFLICT DO NOTHING""")
              .execute(
                  Tuple.tuple()
                      .addString(WARMUP_CONVERSATION)
                      .addArrayOfString(writers.toArray(new String[0]))));
    } finally {
      conn.close();
    }
  }

  private SeededData read(PgConnection conn) throws Exception {
    List<SeededData.Conversation> convs = new ArrayList<>();
    for (Row r :
        await(
            conn.query(
                    "SELECT id, last_seq, created_by FROM conversations"
                        + " WHERE id LIKE 'bench-q-c%' ORDER BY id")
                .execute())) {
      convs.add(new SeededData.Conversation(r.getString(0), r.getLong(1), r.getString(2)));
    }
    Map<String, List<String>> byUser = new LinkedHashMap<>();
    for (Row r :
        await(
            conn.query(
                    "SELECT user_id, conversation_id FROM members"
                        + " WHERE conversation_id LIKE 'bench-q-c%' ORDER BY user_id, conversation_id")
                .execute())) {
      byUser.computeIfAbsent(r.getString(0), u -> new ArrayList<>()).add(r.getString(1));
    }
    return new SeededData(convs, byUser);
  }

  /** seed.sql's steps, in order, by name, with the sizes put in. */
  static Map<String, String> steps(int messages, int conversations, String marker)
      throws IOException {
    String sql;
    try (InputStream in = QuerySeed.class.getResourceAsStream("/query/seed.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    sql =
        sql.replace("${messages}", Integer.toString(messages))
            .replace("${conversations}", Integer.toString(conversations))
            .replace("${marker}", marker);
    Map<String, String> steps = new LinkedHashMap<>();
    String[] parts = sql.split("\n-- step: ");
    for (int i = 1; i < parts.length; i++) {
      int eol = parts[i].indexOf('\n');
      steps.put(parts[i].substring(0, eol).trim(), parts[i].substring(eol + 1));
    }
    return steps;
  }

  private PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(settings.pgHost())
        .setPort(settings.pgPort())
        .setDatabase(settings.pgDatabase())
        .setUser(settings.pgUser())
        .setPassword(System.getenv().getOrDefault("PARLEY_PG_PASSWORD", ""));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }
}
