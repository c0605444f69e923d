package dev.parley.system;

import static dev.parley.system.ConversationCalls.details;
import static dev.parley.system.ConversationCalls.list;
import static dev.parley.system.ConversationCalls.listed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.system.FileClient.Part;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md#reading-your-writes: after an ack, every member's read on any node reflects the write. Each test writes on
 * node A with the worker stopped, so nothing it writes reaches Postgres, and reads on node B at
 * once: the conversation list (last message, unread count, order, a hidden direct conversation back),
 * details, search, a lookup by id and the download of a file just attached, the last behind a
 * backlog of other conversations. Then the worker stores it all and the same reads answer the same.
 */
class ReadYourWritesIntegrationTests extends OnTwoNodes {
  private static final Duration STORED = Duration.ofSeconds(20);
  private static final Path FILES_DIR = tempDirectory();

  ReadYourWritesIntegrationTests(TestEnvironment env) {
    // both gateways share the directory, as they would share a volume
    super(env, Map.of("PARLEY_FILES_DIR", FILES_DIR.toString()));
  }

  private static Path tempDirectory() {
    try {
      return Files.createTempDirectory("parley-read-your-writes-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  void removeFiles() throws IOException {
    try (Stream<Path> all = Files.walk(FILES_DIR)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Runs {@code writesAndReads} with the worker stopped (nothing written reaches Postgres), then starts it again. */
  private <T> T withoutWorker(Supplier<T> writesAndReads) {
    nodes.cluster.stopWorker();
    try {
      return writesAndReads.get();
    } finally {
      nodes.cluster.startWorker();
    }
  }

  private static List<String> ids(List<JsonObject> items) {
    return items.stream().map(c -> c.getString("id")).toList();
  }

  @Test
  void theListOnTheOtherNodeShowsAcknowledgedMessagesUnreadCountsAndOrderAtOnce() {
    Cast c = cast("older");
    String newer =
        nodes.apiA.createGroup(c.aliceToken(), "newer", List.of(c.bob())).getString("id");
    assertThat(ids(list(nodes.apiB, c.aliceToken()))).containsExactly(newer, c.conversationId());

    JsonObject second =
        withoutWorker(
            () -> {
              MessageApi.sent(nodes.apiA, c.bobToken(), c.conversationId(), "one");
              JsonObject last =
                  MessageApi.sent(nodes.apiA, c.bobToken(), c.conversationId(), "two");

              List<JsonObject> items = list(nodes.apiB, c.aliceToken());
              assertThat(ids(items))
                  .as("the older group moved up with bob's messages")
                  .containsExactly(c.conversationId(), newer);
              JsonObject older = items.get(0);
              assertThat(older.getJsonObject("last_message")).isEqualTo(last);
              assertThat(older.getLong("unread_count")).isEqualTo(2);
              assertThat(older.getLong("last_seq")).isEqualTo(last.getLong("seq"));
              assertThat(older.getString("last_activity_at"))
                  .isEqualTo(last.getString("created_at"));
              assertThat(
                      listed(nodes.apiB, c.bobToken(), c.conversationId()).getLong("unread_count"))
                  .as("one's own messages are never unread")
                  .isZero();

              // sending moves the sender's read position: alice's reply leaves nothing unread for
              // her
              JsonObject reply =
                  MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "three");
              JsonObject afterReply = listed(nodes.apiB, c.aliceToken(), c.conversationId());
              assertThat(afterReply.getLong("unread_count")).isZero();
              assertThat(afterReply.getJsonObject("last_message").getString("id"))
                  .isEqualTo(reply.getString("id"));
              assertThat(afterReply.getJsonObject("last_message").getLong("prev_seq"))
                  .isEqualTo(last.getLong("seq"));
              assertThat(
                      listed(nodes.apiB, c.bobToken(), c.conversationId()).getLong("unread_count"))
                  .isEqualTo(1);
              return afterReply;
            });

    Rows.awaitCount(pool(), c.conversationId(), 3, STORED);
    assertThat(listed(nodes.apiB, c.aliceToken(), c.conversationId()))
        .as("the same once stored")
        .isEqualTo(second);
    assertThat(ids(list(nodes.apiB, c.aliceToken()))).containsExactly(c.conversationId(), newer);
  }

  @Test
  void aHiddenDirectConversationComesBackRightAfterTheOthersMessageIsAcknowledged() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String id = ConversationCalls.direct(nodes.apiA, aliceToken, bob).body().getString("id");
    assertThat(ConversationCalls.delete(nodes.apiB, aliceToken, id).status()).isEqualTo(204);
    assertThat(listed(nodes.apiB, aliceToken, id)).as("hidden").isNull();

    JsonObject back =
        withoutWorker(
            () -> {
              JsonObject sent = MessageApi.sent(nodes.apiA, bobToken, id, "still there?");
              JsonObject listedNow = listed(nodes.apiB, aliceToken, id);
              assertThat(listedNow).as("back in alice's list at once").isNotNull();
              assertThat(listedNow.getJsonObject("last_message")).isEqualTo(sent);
              assertThat(listedNow.getLong("unread_count")).isEqualTo(1);
              return listedNow;
            });

    Rows.awaitCount(pool(), id, 1, STORED);
    assertThat(listed(nodes.apiB, aliceToken, id)).isEqualTo(back);
  }

  @Test
  void detailsOnTheOtherNodeShowTheNewHeadAtOnce() {
    Cast c = cast("details");
    JsonObject answered =
        withoutWorker(
            () -> {
              JsonObject sent =
                  MessageApi.sent(nodes.apiA, c.bobToken(), c.conversationId(), "head");
              Api.Reply r = details(nodes.apiB, c.aliceToken(), c.conversationId());
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.body().getLong("last_seq")).isEqualTo(sent.getLong("seq"));
              assertThat(r.body().getString("last_activity_at"))
                  .isEqualTo(sent.getString("created_at"));
              assertThat(details(nodes.apiB, c.carolToken(), c.conversationId()).status())
                  .as("still members only")
                  .isEqualTo(404);
              return r.body();
            });

    Rows.awaitCount(pool(), c.conversationId(), 1, STORED);
    assertThat(details(nodes.apiB, c.aliceToken(), c.conversationId()).body()).isEqualTo(answered);
  }

  @Test
  void searchOnTheOtherNodeFindsAnAcknowledgedMessageAtOnceRankedAndHighlightedAsOnceStored() {
    Cast c = cast("search");
    String[] queries = {"zebrafish quartet", "zebrafsh", "quartet -violin"};
    List<JsonArray> before =
        withoutWorker(
            () -> {
              JsonObject sent =
                  MessageApi.sent(
                      nodes.apiA,
                      c.bobToken(),
                      c.conversationId(),
                      "the zebrafish <b>quartet</b> plays");
              MessageApi.sent(nodes.apiA, c.bobToken(), c.conversationId(), "a violin quartet");
              List<JsonArray> found =
                  Stream.of(queries).map(q -> search(c.aliceToken(), q, null)).toList();
              for (JsonArray items : found) {
                assertThat(items).hasSize(1);
                JsonObject hit = items.getJsonObject(0);
                JsonObject message = hit.copy();
                message.remove("highlight");
                assertThat(message).as("the message object, as the ack had it").isEqualTo(sent);
              }
              assertThat(found.get(0).getJsonObject(0).getString("highlight"))
                  .isEqualTo(
                      "the <mark>zebrafish</mark> &lt;b&gt;<mark>quartet</mark>&lt;/b&gt; plays");
              assertThat(search(c.aliceToken(), "zebrafish", c.conversationId())).hasSize(1);
              assertThat(search(c.carolToken(), "zebrafish", null))
                  .as("not in carol's conversations")
                  .isEmpty();
              return found;
            });

    Rows.awaitCount(pool(), c.conversationId(), 2, STORED);
    assertThat(Stream.of(queries).map(q -> search(c.aliceToken(), q, null)).toList())
        .as("the same once stored")
        .isEqualTo(before);
  }

  private JsonArray search(String token, String q, String conversationId) {
    String query =
        "q="
            + URLEncoder.encode(q, StandardCharsets.UTF_8)
            + (conversationId == null ? "" : "&conversation_id=" + conversationId);
    Api.Reply r = nodes.apiB.call(HttpMethod.GET, "/api/v1/search/messages?" + query, token, null);
    assertThat(r.status()).as("search %s: %s", q, r.body()).isEqualTo(200);
    return r.body().getJsonArray("items");
  }

  @Test
  void aMessageIsFoundByIdAtOnceAndAReadReceiptMovesWithoutWaitingForTheWorker() {
    Cast c = cast("lookups");
    withoutWorker(
        () -> {
          JsonObject sent =
              MessageApi.sent(nodes.apiA, c.bobToken(), c.conversationId(), "read me");
          // before, each of these waited for the worker (2 s) and answered 503
          assertThat(MessageApi.read(nodes.apiB, c.aliceToken(), sent.getString("id")).status())
              .isEqualTo(204);
          assertThat(MessageApi.read(nodes.apiB, c.carolToken(), sent.getString("id")).status())
              .as("not a member")
              .isEqualTo(404);
          assertThat(MessageApi.read(nodes.apiB, c.aliceToken(), Ids.newId()).status())
              .as("an id that is nowhere: 404, not a wait ending in 503")
              .isEqualTo(404);
          assertThat(listed(nodes.apiB, c.aliceToken(), c.conversationId()).getLong("unread_count"))
              .isZero();
          return null;
        });
  }

  @Test
  void aFileAttachedToAnAcknowledgedMessageDownloadsAtOnceBehindABacklogOfOtherConversations() {
    Cast c = cast("files");
    String other =
        nodes.apiA.createGroup(c.carolToken(), "busy elsewhere", List.of()).getString("id");
    try (FileClient filesA = new FileClient(nodes.vertx, nodes.cluster.gateway(0).port());
        FileClient filesB = new FileClient(nodes.vertx, nodes.cluster.gateway(1).port())) {
      Buffer content = Buffer.buffer("minutes of the meeting");
      FileClient.Response uploaded =
          filesA.upload(c.aliceToken(), new Part("file", "minutes.txt", "text/plain", content));
      assertThat(uploaded.status()).isEqualTo(201);
      String fileId = uploaded.json().getString("id");

      withoutWorker(
          () -> {
            for (int i = 0; i < 300; i++) {
              MessageApi.sent(nodes.apiA, c.carolToken(), other, "backlog " + i);
            }
            Api.Reply sent =
                MessageApi.send(
                    nodes.apiA,
                    c.aliceToken(),
                    c.conversationId(),
                    new JsonObject()
                        .put("content", "minutes attached")
                        .put("attachment_ids", new JsonArray().add(fileId)));
            assertThat(sent.status()).isEqualTo(201);

            // before, the download waited for the worker to store the whole backlog (2 s) and
            // answered 503
            FileClient.Response byBob = filesB.download(c.bobToken(), fileId);
            assertThat(byBob.status()).isEqualTo(200);
            assertThat(byBob.body()).isEqualTo(content);
            assertThat(filesB.download(c.carolToken(), fileId).status())
                .as("not a member: 404, not a wait ending in 503")
                .isEqualTo(404);
            return null;
          });

      Rows.awaitCount(pool(), c.conversationId(), 1, STORED);
      assertThat(filesB.download(c.bobToken(), fileId).status()).isEqualTo(200);
      assertThat(filesB.download(c.carolToken(), fileId).status()).isEqualTo(404);
    }
  }
}
