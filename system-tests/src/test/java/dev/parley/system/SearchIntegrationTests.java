package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Search over messages sent through the real send path on node A, stored by the worker, and
 * searched on node B. Each test writes words of its own (a per-test marker) so tests never see each
 * other's messages.
 */
class SearchIntegrationTests extends OnTwoNodes {
  SearchIntegrationTests(TestEnvironment env) {
    super(env);
  }

  /** Two members of one group, plus a stranger in a group of their own. */
  private final class Scene {
    final String aliceId = env.newId("alice");
    final String bobId = env.newId("bob");
    final String alice = nodes.apiA.devToken(aliceId);
    final String bob = nodes.apiB.devToken(bobId);
    final String conversationId =
        nodes.apiA.createGroup(alice, "search", List.of(bobId)).getString("id");

    /** Sends each text (alice, on node A) and waits until the worker has stored them all; their ids in order. */
    List<String> send(String... texts) {
      return sendTo(alice, conversationId, texts);
    }
  }

  private List<String> sendTo(String token, String conversationId, String... texts) {
    long before = Rows.count(pool(), conversationId);
    List<String> ids = new ArrayList<>();
    for (String t : texts) {
      Api.Reply r = nodes.apiA.send(token, conversationId, t, null);
      assertThat(r.status()).isEqualTo(201);
      ids.add(r.body().getString("id"));
    }
    Rows.awaitCount(pool(), conversationId, before + texts.length, Duration.ofSeconds(20));
    return ids;
  }

  private Api.Reply search(String token, String q, String extra) {
    String query = q == null ? "" : "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8);
    return nodes.apiB.call(
        HttpMethod.GET,
        "/api/v1/search/messages?" + query + (extra == null ? "" : "&" + extra),
        token,
        null);
  }

  private List<String> foundIds(String token, String q) {
    return ids(search(token, q, null));
  }

  private static List<String> ids(Api.Reply r) {
    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (Object o : r.body().getJsonArray("items")) {
      out.add(((JsonObject) o).getString("id"));
    }
    return out;
  }

  /** A random word no other test uses (nor anything like it, for trigrams), so results are this test's alone. */
  private static String marker(String base) {
    StringBuilder word = new StringBuilder(base);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 10; i++) {
      word.append((char) ('a' + random.nextInt(26)));
    }
    return word.toString();
  }

  @Test
  void everyWordMustMatchAndAMessageWithAllWordsOfAnOrRanksFirst() {
    Scene s = new Scene();
    String tag = marker("kx");
    List<String> ids =
        s.send(
            tag + " deploy the release on friday",
            tag + " deploy on monday",
            tag + " friday lunch");

    assertThat(foundIds(s.bob, tag + " deploy friday")).containsExactly(ids.get(0));
    List<String> either = foundIds(s.bob, tag + " deploy or friday");
    assertThat(either).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(either.get(0))
        .as("the message with both words ranks above those with one")
        .isEqualTo(ids.get(0));
  }

  @Test
  void itemsAreMessageObjectsWithAHighlight() {
    Scene s = new Scene();
    String tag = marker("kq");
    String id = s.send(tag + " Quarterly Report is ready").get(0);

    Api.Reply r = search(s.bob, tag + " report", null);

    assertThat(r.status()).isEqualTo(200);
    JsonArray items = r.body().getJsonArray("items");
    assertThat(items).hasSize(1);
    JsonObject item = items.getJsonObject(0);
    assertThat(item.getString("id")).isEqualTo(id);
    assertThat(item.getString("conversation_id")).isEqualTo(s.conversationId);
    assertThat(item.getString("sender_id")).isEqualTo(s.aliceId);
    assertThat(item.getString("type")).isEqualTo("text");
    assertThat(item.getString("content")).isEqualTo(tag + " Quarterly Report is ready");
    assertThat(item.getLong("seq")).isPositive();
    assertThat(item.getBoolean("deleted")).isFalse();
    assertThat(item.getJsonArray("attachments")).isEmpty();
    assertThat(item.getJsonArray("reactions")).isEmpty();
    assertThat(item.getString("highlight"))
        .isEqualTo("<mark>" + tag + "</mark> Quarterly <mark>Report</mark> is ready");
  }

  @Test
  void phrasesMatchWordsInOrderAndMinusExcludes() {
    Scene s = new Scene();
    String tag = marker("kp");
    List<String> ids =
        s.send(
            tag + " the release on friday went well",
            tag + " friday: release on hold",
            tag + " release notes for staging");

    assertThat(foundIds(s.bob, tag + " \"release on friday\"")).containsExactly(ids.get(0));
    assertThat(foundIds(s.bob, tag + " release -staging"))
        .containsExactlyInAnyOrder(ids.get(0), ids.get(1));
    assertThat(foundIds(s.bob, tag + " release -\"on hold\""))
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
  }

  @Test
  void partialWordsAndTyposMatchBelowExactWords() {
    Scene s = new Scene();
    String tag = marker("kt");
    List<String> ids =
        s.send(
            tag + " the deployment finished",
            tag + " deploy now please",
            tag + " the release is out");

    List<String> partial = foundIds(s.bob, tag + " deploy");
    assertThat(partial)
        .as("exact word first, then the partial match")
        .containsExactly(ids.get(1), ids.get(0));

    Api.Reply typo = search(s.bob, tag + " relase", null);
    assertThat(ids(typo)).containsExactly(ids.get(2));
    assertThat(typo.body().getJsonArray("items").getJsonObject(0).getString("highlight"))
        .isEqualTo("<mark>" + tag + "</mark> the <mark>release</mark> is out");
  }

  @Test
  void markupInMessagesComesBackEscapedInTheHighlight() {
    Scene s = new Scene();
    String tag = marker("kh");
    s.send(tag + " <script>alert('pwned')</script> & <b>bold</b>");

    JsonObject item =
        search(s.bob, tag + " pwned", null).body().getJsonArray("items").getJsonObject(0);

    assertThat(item.getString("highlight"))
        .isEqualTo(
            "<mark>"
                + tag
                + "</mark> &lt;script&gt;alert(&#39;<mark>pwned</mark>&#39;)"
                + "&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
    assertThat(item.getString("content"))
        .isEqualTo(tag + " <script>alert('pwned')</script> & <b>bold</b>");
  }

  @Test
  void otherPeoplesConversationsAreNeverSearched() {
    Scene s = new Scene();
    String tag = marker("ko");
    String carolId = env.newId("carol");
    String carol = nodes.apiA.devToken(carolId);
    String carolsGroup = nodes.apiA.createGroup(carol, "private", List.of()).getString("id");
    String mine = s.send(tag + " budget figures").get(0);
    String hers = sendTo(carol, carolsGroup, tag + " budget secrets").get(0);

    assertThat(foundIds(s.bob, tag + " budget")).containsExactly(mine);
    assertThat(foundIds(carol, tag + " budget")).containsExactly(hers);

    Api.Reply notMine = search(s.bob, tag + " budget", "conversation_id=" + carolsGroup);
    assertThat(notMine.status()).isEqualTo(404);
    assertThat(notMine.body().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(search(s.bob, tag, "conversation_id=not-an-id").status()).isEqualTo(404);
    assertThat(ids(search(s.bob, tag + " budget", "conversation_id=" + s.conversationId)))
        .containsExactly(mine);
  }

  @Test
  void deletedMessagesSystemMessagesAndDeletedConversationsAreNeverFound() {
    Scene s = new Scene();
    String tag = marker("kd");
    List<String> ids = s.send(tag + " keep this", tag + " delete this");
    assertThat(MessageApi.delete(nodes.apiB, s.alice, ids.get(1)).status()).isEqualTo(204);
    // a system message whose text would match (real ones name users, which a query cannot pick)
    Cluster.await(
        pool()
            .preparedQuery(
                "INSERT INTO messages (id, conversation_id, seq, type, content, system, created_at)"
                    + " VALUES ($1, $2, 9000000000, 'system', $3, '{\"event\":\"member.added\"}', now())")
            .execute(Tuple.of(Ids.newId(), s.conversationId, tag + " alice added this")));

    assertThat(foundIds(s.bob, tag + " this")).containsExactly(ids.get(0));

    assertThat(ConversationCalls.delete(nodes.apiA, s.alice, s.conversationId).status())
        .isEqualTo(204);
    assertThat(foundIds(s.bob, tag + " keep")).isEmpty();
  }

  @Test
  void limitBoundsThePageAndBadInputIsABadRequest() {
    Scene s = new Scene();
    String tag = marker("kl");
    s.send(tag + " one", tag + " two", tag + " three");

    assertThat(ids(search(s.bob, tag, "limit=2"))).hasSize(2);
    assertThat(ids(search(s.bob, tag, null))).hasSize(3);
    for (String[] bad :
        new String[][] {
          {null, null},
          {"   ", null},
          {tag, "limit=101"},
          {tag, "limit=0"},
          {tag, "limit=x"},
          {"-" + tag, null}
        }) {
      Api.Reply r = search(s.bob, bad[0], bad[1]);
      assertThat(r.status()).as(bad[0] + " " + bad[1]).isEqualTo(400);
      assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
    }
    // anything else is a search, never a syntax error
    assertThat(search(s.bob, "\" ( ) & | ! <-> :* ' \\", null).status()).isIn(200, 400);
    assertThat(search(s.bob, tag + " ( ) & | ! <-> :* '", null).status()).isEqualTo(200);
    assertThat(search(null, tag, null).status()).isEqualTo(401);
  }
}
