package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.Samples;
import dev.parley.testing.TestEnvironment;
import dev.parley.testing.UnicodeTexts;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise behind the text rules, end to end: any string a client sends (lone surrogates, NUL,
 * controls, emoji, combining marks, sent as JSON escapes as a client may) is either refused with
 * 400 or stored by the worker and read back exactly, from Postgres and through the API. The
 * strings are generated from a seed; a failure names it ({@link Samples}).
 */
class TextRoundTripIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Cast cast;

  /** Answers seen, by call and status: both outcomes must occur for a property to mean anything. */
  private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();

  TextRoundTripIntegrationTests(TestEnvironment env) {
    // every try sends: the rate limit is not what this tests
    super(env, Map.of("PARLEY_SEND_RATE_PER_SECOND", "10000", "PARLEY_SEND_BURST", "10000"));
  }

  @BeforeAll
  void makeCast() {
    cast = cast("round trip");
  }

  @Test
  void messageContentIsRefusedOrStoredAndReadBackExactly() {
    Samples.check(100, r -> UnicodeTexts.string(r, 6), this::sendAndReadBack);
    assertThat(outcomes)
        .as("the generator reaches both answers")
        .containsKeys("send 201", "send 400");
  }

  @Test
  void aGroupRenameIsRefusedOrKeptExactly() {
    Samples.check(50, r -> UnicodeTexts.string(r, 6), this::renameAndReadBack);
    assertThat(outcomes)
        .as("the generator reaches both answers")
        .containsKeys("rename 200", "rename 400");
  }

  private void sendAndReadBack(String content) {
    Api.Reply sent =
        nodes.apiA.callRaw(
            HttpMethod.POST,
            "/api/v1/conversations/" + cast.conversationId() + "/messages",
            cast.aliceToken(),
            AsciiJson.buffer(new JsonObject().put("content", content)));
    outcomes.merge("send " + sent.status(), 1, Integer::sum);
    if (sent.status() == 400) {
      assertThat(sent.body().getJsonObject("error").getString("code"))
          .isEqualTo("invalid_argument");
      assertThat(content.isBlank() || !survivesUtf8(content) || hasC0Besides(content, "\t\n\r"))
          .as("refused for a reason: %s", sent.body())
          .isTrue();
      return;
    }
    assertThat(sent.status()).as("%s", sent.body()).isEqualTo(201);
    String id = sent.body().getString("id");
    long seq = sent.body().getLong("seq");

    String stored =
        Await.until(
            () -> storedContent(id),
            System.nanoTime() + WAIT.toNanos(),
            () -> "the worker has not stored message " + id + " (seq " + seq + ")");
    assertThat(stored).as("stored exactly").isEqualTo(content);
    JsonArray page =
        nodes
            .apiB
            .history(cast.bobToken(), cast.conversationId(), "after_seq=" + (seq - 1) + "&limit=1")
            .body()
            .getJsonArray("items");
    assertThat(page.getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(page.getJsonObject(0).getString("content"))
        .as("read back exactly")
        .isEqualTo(content);
  }

  private void renameAndReadBack(String name) {
    String path = "/api/v1/conversations/" + cast.conversationId();
    Api.Reply renamed =
        nodes.apiA.callRaw(
            HttpMethod.PUT,
            path,
            cast.aliceToken(),
            AsciiJson.buffer(new JsonObject().put("name", name)));
    outcomes.merge("rename " + renamed.status(), 1, Integer::sum);
    if (renamed.status() == 400) {
      assertThat(renamed.body().getJsonObject("error").getString("code"))
          .isEqualTo("invalid_argument");
      assertThat(!survivesUtf8(name) || name.chars().anyMatch(Character::isISOControl))
          .as("refused for a reason: %s", renamed.body())
          .isTrue();
      return;
    }
    assertThat(renamed.status()).as("%s", renamed.body()).isEqualTo(200);
    // names are kept without surrounding whitespace, and a blank one clears the name
    String expected = name.strip().isEmpty() ? null : name.strip();
    assertThat(
            nodes.apiB.call(HttpMethod.GET, path, cast.bobToken(), null).body().getString("name"))
        .isEqualTo(expected);
    RowSet<Row> rows =
        Cluster.await(
            pool()
                .preparedQuery("SELECT name FROM conversations WHERE id = $1")
                .execute(Tuple.of(cast.conversationId())));
    assertThat(rows.iterator().next().getString(0)).isEqualTo(expected);
  }

  /** The content Postgres holds for the message, or null while the worker has not stored it. */
  private String storedContent(String id) {
    RowSet<Row> rows =
        Cluster.await(
            pool()
                .preparedQuery("SELECT content FROM messages WHERE id = $1")
                .execute(Tuple.of(id)));
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }

  /** Java's own encoder is the oracle: a string that does not survive UTF-8 has a lone surrogate. */
  private static boolean survivesUtf8(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
  }

  private static boolean hasC0Besides(String s, String allowed) {
    return s.chars().anyMatch(c -> c < 0x20 && allowed.indexOf(c) < 0);
  }
}
