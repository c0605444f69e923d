package dev.parley.system;

import static dev.parley.system.MessageApi.about;
import static dev.parley.system.MessageApi.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PUT and DELETE /api/v1/messages/{id}: who may, what members see on the other node, what history shows. */
class MessageEditIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(2);

  MessageEditIntegrationTests(TestEnvironment env) {
    super(env);
  }

  @Test
  void theAuthorEditsRightAfterSendingAndMembersOnTheOtherNodeSeeItAtOnce() {
    Cast c = cast("edits");
    try (WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnB = onB(c.carolToken())) {
      // no wait between send and edit: the worker may not have stored the message yet
      JsonObject sent = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "helo");
      Api.Reply edited = MessageApi.edit(nodes.apiA, c.aliceToken(), sent.getString("id"), "hello");

      assertThat(edited.status()).isEqualTo(200);
      assertThat(edited.body().getString("content")).isEqualTo("hello");
      assertThat(edited.body().getString("edited_at")).isNotNull();
      assertThat(edited.body().getLong("seq")).isEqualTo(sent.getLong("seq"));
      assertThat(edited.body().getString("sender_id")).isEqualTo(c.alice());
      assertThat(edited.body().getBoolean("deleted")).isFalse();

      JsonObject update = bobOnB.awaitOne(frame("message.updated", sent.getString("id")), WAIT);
      assertThat(update.getJsonObject("data")).isEqualTo(edited.body());
      JsonObject inHistory =
          MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), sent.getString("id"));
      assertThat(inHistory.getString("content")).isEqualTo("hello");
      assertThat(inHistory.getString("edited_at")).isEqualTo(edited.body().getString("edited_at"));
      assertThat(about(carolOnB, c.conversationId())).as("a non-member sees nothing").isEmpty();
    }
  }

  @Test
  void onlyTheAuthorMayEditAndOthersLearnNothing() {
    Cast c = cast("edit rights");
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "mine").getString("id");

    Api.Reply byMember = MessageApi.edit(nodes.apiB, c.bobToken(), id, "yours now");
    assertThat(byMember.status()).isEqualTo(403);
    assertThat(byMember.body().getJsonObject("error").getString("code")).isEqualTo("forbidden");

    Api.Reply byStranger = MessageApi.edit(nodes.apiB, c.carolToken(), id, "hacked");
    assertThat(byStranger.status()).isEqualTo(404);
    assertThat(byStranger.body().encode()).doesNotContain("mine");

    assertThat(MessageApi.edit(nodes.apiA, c.aliceToken(), Ids.newId(), "x").status())
        .isEqualTo(404);
    assertThat(MessageApi.edit(nodes.apiA, c.aliceToken(), "not-an-id", "x").status())
        .isEqualTo(404);
    assertThat(
            MessageApi.inHistory(nodes.apiA, c.aliceToken(), c.conversationId(), id)
                .getString("content"))
        .isEqualTo("mine");
  }

  @Test
  void editsAreValidatedLikeSends() {
    Cast c = cast("edit input");
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "short").getString("id");

    Api.Reply blank = MessageApi.edit(nodes.apiA, c.aliceToken(), id, "   ");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
    assertThat(MessageApi.edit(nodes.apiA, c.aliceToken(), id, 5).status()).isEqualTo(400);
    assertThat(
            nodes
                .apiA
                .call(HttpMethod.PUT, "/api/v1/messages/" + id, c.aliceToken(), null)
                .status())
        .isEqualTo(400);

    // 16 KiB of UTF-8 is the limit: 5,461 three-byte characters + 1 byte fit exactly, one more byte
    // does not
    String exactly = "€".repeat(5461) + "x";
    assertThat(MessageApi.edit(nodes.apiA, c.aliceToken(), id, exactly).status()).isEqualTo(200);
    Api.Reply tooLarge = MessageApi.edit(nodes.apiA, c.aliceToken(), id, exactly + "y");
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.body().getJsonObject("error").getString("code")).isEqualTo("too_large");
  }

  @Test
  void systemMessagesCanBeNeitherEditedNorDeleted() {
    Cast c = cast("system");
    String systemId = MessageApi.insertSystemMessage(pool(), c.conversationId());
    Api.Reply edit = MessageApi.edit(nodes.apiA, c.aliceToken(), systemId, "rewritten");
    assertThat(edit.status()).isEqualTo(403);
    Api.Reply delete = MessageApi.delete(nodes.apiA, c.aliceToken(), systemId);
    assertThat(delete.status()).as("not even the owner").isEqualTo(403);
  }

  @Test
  void theAuthorDeletesTheSlotStaysAndMembersOnTheOtherNodeSeeIt() {
    Cast c = cast("deletes");
    try (WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnB = onB(c.carolToken())) {
      JsonObject first =
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "secret plans");
      JsonObject second = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "after");
      String id = first.getString("id");
      assertThat(MessageApi.react(nodes.apiB, c.bobToken(), id, "😮").status()).isEqualTo(201);
      Rows.awaitCount(pool(), c.conversationId(), 2, Duration.ofSeconds(10));
      assertThat(MessageApi.unread(nodes.apiB, c.bobToken(), c.conversationId())).isEqualTo(2);

      assertThat(MessageApi.delete(nodes.apiA, c.aliceToken(), id).status()).isEqualTo(204);

      JsonObject deleted = bobOnB.awaitOne(frame("message.deleted", id), WAIT);
      assertThat(deleted.getJsonObject("data"))
          .isEqualTo(
              new JsonObject()
                  .put("conversation_id", c.conversationId())
                  .put("message_id", id)
                  .put("seq", first.getLong("seq")));
      JsonObject slot = MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), id);
      assertThat(slot.getBoolean("deleted")).isTrue();
      assertThat(slot.getValue("content")).isNull();
      assertThat(slot.getJsonArray("attachments")).isEmpty();
      assertThat(slot.getJsonArray("reactions")).isEmpty();
      assertThat(slot.getLong("seq")).isEqualTo(first.getLong("seq"));
      assertThat(
              MessageApi.inHistory(
                      nodes.apiB, c.bobToken(), c.conversationId(), second.getString("id"))
                  .getLong("prev_seq"))
          .as("the slot keeps its place in the chain")
          .isEqualTo(first.getLong("seq"));
      assertThat(MessageApi.unread(nodes.apiB, c.bobToken(), c.conversationId()))
          .as("a deleted message is not unread")
          .isEqualTo(1);

      Row row =
          Cluster.await(
                  pool()
                      .preparedQuery(
                          "SELECT content, deleted_at, search_vector::text AS words FROM messages WHERE id = $1")
                      .execute(Tuple.of(id)))
              .iterator()
              .next();
      assertThat(row.getString("content"))
          .as("the text is gone from the database, so search cannot find it")
          .isNull();
      assertThat(row.getValue("deleted_at")).isNotNull();
      assertThat(row.getString("words")).isEmpty();

      assertThat(MessageApi.delete(nodes.apiA, c.aliceToken(), id).status())
          .as("deleting again changes nothing")
          .isEqualTo(204);
      Api.Reply edit = MessageApi.edit(nodes.apiA, c.aliceToken(), id, "undo");
      assertThat(edit.status()).isEqualTo(409);
      assertThat(edit.body().getJsonObject("error").getString("code")).isEqualTo("conflict");
      assertThat(MessageApi.react(nodes.apiB, c.bobToken(), id, "👍").status()).isEqualTo(409);

      // a later event proves the repeat emitted nothing in between
      MessageApi.edit(nodes.apiA, c.aliceToken(), second.getString("id"), "after, edited");
      bobOnB.awaitOne(frame("message.updated", second.getString("id")), WAIT);
      assertThat(bobOnB.frames().stream().filter(frame("message.deleted", id))).hasSize(1);
      assertThat(about(carolOnB, c.conversationId())).isEmpty();
    }
  }

  @Test
  void theOwnerAndAdminsMayDeleteOtherPeoplesMessagesMembersMayNot() {
    Cast c = cast("moderation");
    String dan = env.newId("dan");
    String danToken = nodes.apiA.devToken(dan);
    Cluster.await(
        pool()
            .preparedQuery("INSERT INTO users (id) VALUES ($1) ON CONFLICT DO NOTHING")
            .execute(Tuple.of(dan)));
    Cluster.await(
        pool()
            .preparedQuery(
                "INSERT INTO members (conversation_id, user_id, role) VALUES ($1, $2, 'admin')")
            .execute(Tuple.of(c.conversationId(), dan)));

    String bobs =
        MessageApi.sent(nodes.apiB, c.bobToken(), c.conversationId(), "bob one").getString("id");
    String bobs2 =
        MessageApi.sent(nodes.apiB, c.bobToken(), c.conversationId(), "bob two").getString("id");
    String alices =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "alice").getString("id");

    assertThat(MessageApi.delete(nodes.apiB, c.bobToken(), alices).status())
        .as("a member, not the author")
        .isEqualTo(403);
    assertThat(MessageApi.delete(nodes.apiB, c.carolToken(), bobs).status())
        .as("a stranger")
        .isEqualTo(404);
    assertThat(MessageApi.delete(nodes.apiA, c.aliceToken(), bobs).status())
        .as("the owner")
        .isEqualTo(204);
    assertThat(MessageApi.delete(nodes.apiB, danToken, bobs2).status())
        .as("an admin")
        .isEqualTo(204);
    assertThat(MessageApi.edit(nodes.apiA, c.aliceToken(), alices, "edited").status())
        .isEqualTo(200);
    assertThat(
            MessageApi.inHistory(nodes.apiA, c.aliceToken(), c.conversationId(), bobs)
                .getBoolean("deleted"))
        .isTrue();
    assertThat(
            MessageApi.inHistory(nodes.apiA, c.aliceToken(), c.conversationId(), alices)
                .getBoolean("deleted"))
        .isFalse();
  }

  @Test
  void eventsOfEditsAndDeletesKeepTheConversationsOrder() {
    Cast c = cast("order");
    try (WsClient bobOnB = onB(c.bobToken())) {
      String id =
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "v0").getString("id");
      for (int i = 1; i <= 5; i++) {
        assertThat(
                MessageApi.edit(i % 2 == 0 ? nodes.apiA : nodes.apiB, c.aliceToken(), id, "v" + i)
                    .status())
            .isEqualTo(200);
      }
      MessageApi.delete(nodes.apiB, c.aliceToken(), id);
      List<JsonObject> seen =
          bobOnB.await(
              f -> frame("message.updated", id).test(f) || frame("message.deleted", id).test(f),
              6,
              WAIT);
      assertThat(seen)
          .extracting(f -> f.getString("type") + ":" + f.getJsonObject("data").getString("content"))
          .containsExactly(
              "message.updated:v1",
              "message.updated:v2",
              "message.updated:v3",
              "message.updated:v4",
              "message.updated:v5",
              "message.deleted:null");
    }
  }

  @Test
  void aMessageTheWorkerHasNotStoredIsWaitedForThenRetryIsAdvisedNotNotFound() {
    Cast c = cast("lagging worker");
    nodes.cluster.stopWorker();
    try {
      String id =
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "acked, not stored")
              .getString("id");
      long started = System.nanoTime();
      Api.Reply edit = MessageApi.edit(nodes.apiB, c.aliceToken(), id, "edited");
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(edit.status()).as("the message may exist: retry, not 404").isEqualTo(503);
      assertThat(edit.body().getJsonObject("error").getString("code")).isEqualTo("unavailable");
      assertThat(edit.headers().get("Retry-After")).isEqualTo("1");
      assertThat(waitedMs).as("bounded wait").isBetween(1_500L, 5_000L);
      assertThat(nodes.cluster.gateway(1).registry().scrape())
          .containsPattern("parley_message_lookup_waits_total\\{node=\"gateway-2\"} [1-9]");
    } finally {
      nodes.cluster.startWorker();
    }
    // the worker back, the same edit goes through (the locator waits for the catch-up)
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "stored soon")
            .getString("id");
    assertThat(MessageApi.edit(nodes.apiB, c.aliceToken(), id, "edited").status()).isEqualTo(200);
  }
}
