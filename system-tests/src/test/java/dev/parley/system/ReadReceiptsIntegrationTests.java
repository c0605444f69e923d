package dev.parley.system;

import static dev.parley.system.MessageApi.about;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** POST /api/v1/messages/{id}/read and WS message.read: forward only, a receipt only when the position moves. */
class ReadReceiptsIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(2);

  ReadReceiptsIntegrationTests(TestEnvironment env) {
    super(env);
  }

  private static Predicate<JsonObject> receipt(String messageId) {
    return MessageApi.frame("message.read_receipt", messageId);
  }

  private static JsonObject readFrame(String frameId, String conversationId, String messageId) {
    return new JsonObject()
        .put("type", "message.read")
        .put("id", frameId)
        .put(
            "data",
            new JsonObject().put("conversation_id", conversationId).put("message_id", messageId));
  }

  @Test
  void readingMovesThePositionForwardOnlyAndSendsAReceiptOnlyWhenItMoves() {
    Cast c = cast("receipts");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient carolOnA = onA(c.carolToken())) {
      JsonObject first = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "one");
      JsonObject second = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "two");
      JsonObject third = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "three");

      // straight after the sends: the worker may not have stored them yet
      Instant before = Instant.now().minusSeconds(1);
      assertThat(MessageApi.read(nodes.apiB, c.bobToken(), second.getString("id")).status())
          .isEqualTo(204);
      JsonObject moved =
          aliceOnA.awaitOne(receipt(second.getString("id")), WAIT).getJsonObject("data");
      assertThat(moved.getString("conversation_id")).isEqualTo(c.conversationId());
      assertThat(moved.getString("user_id")).isEqualTo(c.bob());
      assertThat(moved.getLong("seq")).isEqualTo(second.getLong("seq"));
      assertThat(Instant.parse(moved.getString("read_at"))).isAfter(before);
      Rows.awaitCount(pool(), c.conversationId(), 3, Duration.ofSeconds(10));
      assertThat(MessageApi.unread(nodes.apiB, c.bobToken(), c.conversationId())).isEqualTo(1);

      assertThat(MessageApi.read(nodes.apiB, c.bobToken(), first.getString("id")).status())
          .as("older: moves nothing")
          .isEqualTo(204);
      assertThat(MessageApi.read(nodes.apiA, c.bobToken(), second.getString("id")).status())
          .as("same: moves nothing")
          .isEqualTo(204);
      assertThat(MessageApi.unread(nodes.apiB, c.bobToken(), c.conversationId())).isEqualTo(1);

      assertThat(MessageApi.read(nodes.apiB, c.bobToken(), third.getString("id")).status())
          .isEqualTo(204);
      aliceOnA.awaitOne(receipt(third.getString("id")), WAIT);
      assertThat(aliceOnA.framesOfType("message.read_receipt"))
          .as("one receipt per move, none for the others")
          .extracting(f -> f.getJsonObject("data").getString("message_id"))
          .containsExactly(second.getString("id"), third.getString("id"));
      assertThat(MessageApi.unread(nodes.apiB, c.bobToken(), c.conversationId())).isZero();
      assertThat(about(carolOnA, c.conversationId())).as("a non-member sees nothing").isEmpty();
    }
  }

  @Test
  void theWebSocketFrameIsAckedAndItsReceiptReachesTheOtherNode() {
    Cast c = cast("ws receipts");
    try (WsClient bobOnB = onB(c.bobToken());
        WsClient aliceOnA = onA(c.aliceToken());
        WsClient carolOnA = onA(c.carolToken())) {
      JsonObject first = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "one");
      JsonObject second = MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "two");

      bobOnB.send(readFrame("r1", c.conversationId(), second.getString("id")));
      JsonObject ack =
          bobOnB.awaitOne(
              f -> "ack".equals(f.getString("type")) && "r1".equals(f.getString("id")), WAIT);
      assertThat(ack.getJsonObject("data").getBoolean("moved")).isTrue();
      assertThat(
              aliceOnA
                  .awaitOne(receipt(second.getString("id")), WAIT)
                  .getJsonObject("data")
                  .getString("user_id"))
          .isEqualTo(c.bob());
      assertThat(bobOnB.awaitOne(receipt(second.getString("id")), WAIT))
          .as("the reader's own connections too")
          .isNotNull();

      bobOnB.send(readFrame("r2", c.conversationId(), first.getString("id")));
      JsonObject older =
          bobOnB.awaitOne(
              f -> "ack".equals(f.getString("type")) && "r2".equals(f.getString("id")), WAIT);
      assertThat(older.getJsonObject("data").getBoolean("moved")).isFalse();
      assertThat(aliceOnA.framesOfType("message.read_receipt")).hasSize(1);
      assertThat(about(carolOnA, c.conversationId())).isEmpty();
    }
  }

  @Test
  void strangersWrongConversationsAndBadFramesAreRefused() {
    Cast c = cast("receipt refusals");
    String other = nodes.apiA.createGroup(c.bobToken(), "elsewhere", List.of()).getString("id");
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "x").getString("id");

    Api.Reply stranger = MessageApi.read(nodes.apiA, c.carolToken(), id);
    assertThat(stranger.status()).isEqualTo(404);
    assertThat(stranger.body().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(MessageApi.read(nodes.apiA, c.bobToken(), Ids.newId()).status()).isEqualTo(404);

    try (WsClient bob = onB(c.bobToken());
        WsClient carol = onB(c.carolToken())) {
      bob.send(readFrame("w1", other, id));
      assertThat(
              bob.awaitOne(f -> "w1".equals(f.getString("id")), WAIT)
                  .getJsonObject("data")
                  .getString("code"))
          .as("a message of another conversation")
          .isEqualTo("not_found");
      bob.send(
          new JsonObject()
              .put("type", "message.read")
              .put("id", "w2")
              .put("data", new JsonObject().put("conversation_id", c.conversationId())));
      assertThat(
              bob.awaitOne(f -> "w2".equals(f.getString("id")), WAIT)
                  .getJsonObject("data")
                  .getString("code"))
          .isEqualTo("invalid_argument");
      carol.send(readFrame("w3", c.conversationId(), id));
      assertThat(
              carol
                  .awaitOne(f -> "w3".equals(f.getString("id")), WAIT)
                  .getJsonObject("data")
                  .getString("code"))
          .isEqualTo("not_found");
      assertThat(bob.closeCode()).isNull();
    }
    Rows.awaitCount(pool(), c.conversationId(), 1, Duration.ofSeconds(10));
    assertThat(MessageApi.unread(nodes.apiB, c.bobToken(), c.conversationId()))
        .as("nothing moved")
        .isEqualTo(1);
  }
}
