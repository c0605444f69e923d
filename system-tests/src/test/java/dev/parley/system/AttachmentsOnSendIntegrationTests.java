package dev.parley.system;

import static dev.parley.system.MessageApi.about;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * attachment_ids and reply_to_id on a send. Files are seeded as rows of the {@code files} table,
 * as an upload would leave them.
 */
class AttachmentsOnSendIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(2);

  AttachmentsOnSendIntegrationTests(TestEnvironment env) {
    super(env);
  }

  private static JsonObject withFiles(String content, JsonObject... files) {
    JsonArray ids = new JsonArray();
    for (JsonObject f : files) {
      ids.add(f.getString("id"));
    }
    JsonObject body = new JsonObject().put("attachment_ids", ids);
    return content == null ? body : body.put("content", content);
  }

  private long attachmentRows(String messageId) {
    return Cluster.await(
            pool()
                .preparedQuery("SELECT count(*) FROM attachments WHERE message_id = $1")
                .execute(Tuple.of(messageId)))
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void filesWithoutTextMakeAFileMessageThatListsTheFilesEverywhere() {
    Cast c = cast("files");
    JsonObject report =
        MessageApi.insertFile(pool(), c.alice(), "report.pdf", 48_213, "application/pdf");
    JsonObject photo = MessageApi.insertFile(pool(), c.alice(), "photo.jpg", 1_024, "image/jpeg");
    try (WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnB = onB(c.carolToken())) {
      Api.Reply sent =
          MessageApi.send(
              nodes.apiA, c.aliceToken(), c.conversationId(), withFiles(null, photo, report));

      assertThat(sent.status()).isEqualTo(201);
      assertThat(sent.body().getString("type")).isEqualTo("file");
      assertThat(sent.body().getString("content")).isEmpty();
      assertThat(sent.body().getJsonArray("attachments")).containsExactly(photo, report);
      String id = sent.body().getString("id");

      JsonObject event = bobOnB.awaitOne(MessageApi.frame("message.new", id), WAIT);
      assertThat(event.getJsonObject("data").getJsonArray("attachments"))
          .containsExactly(photo, report);
      assertThat(
              MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), id)
                  .getJsonArray("attachments"))
          .as("read before or after the worker stores it")
          .containsExactly(photo, report);

      Rows.awaitCount(pool(), c.conversationId(), 1, Duration.ofSeconds(10));
      JsonObject stored = MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), id);
      assertThat(stored.getString("type")).isEqualTo("file");
      assertThat(stored.getJsonArray("attachments"))
          .as("from Postgres, in the order sent")
          .containsExactly(photo, report);
      assertThat(attachmentRows(id)).isEqualTo(2);
      assertThat(about(carolOnB, c.conversationId())).isEmpty();
    }
  }

  @Test
  void textWithFilesStaysTextAndWebSocketSendsCarryFilesToo() {
    Cast c = cast("captioned");
    JsonObject file = MessageApi.insertFile(pool(), c.bob(), "notes.txt", 12, "text/plain");
    Api.Reply captioned =
        MessageApi.send(nodes.apiB, c.bobToken(), c.conversationId(), withFiles("see notes", file));
    assertThat(captioned.status()).isEqualTo(201);
    assertThat(captioned.body().getString("type")).isEqualTo("text");
    assertThat(captioned.body().getString("content")).isEqualTo("see notes");
    assertThat(captioned.body().getJsonArray("attachments")).containsExactly(file);

    try (WsClient bob = onA(c.bobToken())) {
      bob.send(
          new JsonObject()
              .put("type", "message.send")
              .put("id", "w1")
              .put("data", withFiles(null, file).put("conversation_id", c.conversationId())));
      JsonObject ack = bob.awaitOne(f -> "w1".equals(f.getString("id")), WAIT);
      assertThat(ack.getString("type")).isEqualTo("ack");
      assertThat(ack.getJsonObject("data").getString("type")).isEqualTo("file");
      assertThat(ack.getJsonObject("data").getJsonArray("attachments")).containsExactly(file);
    }
  }

  @Test
  void onlyTheSendersOwnExistingFilesMayBeAttached() {
    Cast c = cast("not yours");
    JsonObject bobsFile = MessageApi.insertFile(pool(), c.bob(), "bob.png", 10, "image/png");
    JsonObject missing = new JsonObject().put("id", Ids.newId());
    try (WsClient bobOnB = onB(c.bobToken())) {
      for (JsonObject body :
          List.of(
              withFiles("mine?", bobsFile),
              withFiles(null, missing),
              new JsonObject().put("attachment_ids", new JsonArray().add(7)),
              new JsonObject().put("attachment_ids", new JsonArray()))) {
        Api.Reply r = MessageApi.send(nodes.apiA, c.aliceToken(), c.conversationId(), body);
        assertThat(r.status()).as(body.encode()).isEqualTo(400);
        assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
      }
      assertThat(
              MessageApi.send(
                      nodes.apiB, c.carolToken(), c.conversationId(), withFiles("x", bobsFile))
                  .status())
          .as("a non-member learns nothing about files")
          .isEqualTo(404);
      MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "the only one");
      bobOnB.awaitOne(f -> "message.new".equals(f.getString("type")), WAIT);
      assertThat(bobOnB.framesOfType("message.new"))
          .as("refused sends published nothing")
          .hasSize(1);
    }
  }

  @Test
  void deletingAMessageDetachesItsFiles() {
    Cast c = cast("detach");
    JsonObject file = MessageApi.insertFile(pool(), c.alice(), "old.zip", 999, "application/zip");
    String id =
        MessageApi.send(nodes.apiA, c.aliceToken(), c.conversationId(), withFiles("bye", file))
            .body()
            .getString("id");
    assertThat(MessageApi.delete(nodes.apiB, c.aliceToken(), id).status()).isEqualTo(204);
    assertThat(attachmentRows(id)).isZero();
    JsonObject slot = MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), id);
    assertThat(slot.getBoolean("deleted")).isTrue();
    assertThat(slot.getJsonArray("attachments")).isEmpty();
  }

  @Test
  void aReplyMustNameAMessageOfTheSameConversation() {
    Cast c = cast("replies");
    String elsewhere =
        nodes.apiA.createGroup(c.aliceToken(), "elsewhere", List.of()).getString("id");
    String foreign =
        MessageApi.sent(nodes.apiA, c.aliceToken(), elsewhere, "other room").getString("id");
    // replying straight after the send: the target may not be stored yet
    String target =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "question?")
            .getString("id");

    Api.Reply reply =
        MessageApi.send(
            nodes.apiB,
            c.bobToken(),
            c.conversationId(),
            new JsonObject().put("content", "answer").put("reply_to_id", target));
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.body().getString("reply_to_id")).isEqualTo(target);
    assertThat(
            MessageApi.inHistory(
                    nodes.apiA, c.aliceToken(), c.conversationId(), reply.body().getString("id"))
                .getString("reply_to_id"))
        .isEqualTo(target);

    for (String bad : List.of(foreign, Ids.newId(), "not-an-id")) {
      Api.Reply r =
          MessageApi.send(
              nodes.apiB,
              c.bobToken(),
              c.conversationId(),
              new JsonObject().put("content", "x").put("reply_to_id", bad));
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
    }
  }
}
