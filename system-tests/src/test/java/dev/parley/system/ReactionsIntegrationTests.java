package dev.parley.system;

import static dev.parley.system.MessageApi.about;
import static dev.parley.system.MessageApi.frame;
import static dev.parley.system.MessageApi.reaction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POST/DELETE /api/v1/messages/{id}/reactions: one per user per emoji, events on every node, counts in history. */
class ReactionsIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(2);

  ReactionsIntegrationTests(TestEnvironment env) {
    super(env);
  }

  @Test
  void aReactionReachesMembersOnTheOtherNodeOnceAndAddingItAgainChangesNothing() {
    Cast c = cast("reactions");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient carolOnA = onA(c.carolToken())) {
      // right after the send: the worker may not have stored the message yet
      String id =
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "react to me")
              .getString("id");
      Api.Reply added = MessageApi.react(nodes.apiB, c.bobToken(), id, "👍");

      assertThat(added.status()).isEqualTo(201);
      assertThat(added.body().getString("id")).isEqualTo(id);
      assertThat(added.body().getJsonArray("reactions"))
          .containsExactly(
              new JsonObject()
                  .put("emoji", "👍")
                  .put("count", 1)
                  .put("user_ids", new JsonArray().add(c.bob())));
      JsonObject event = aliceOnA.awaitOne(frame("reaction.added", id), WAIT);
      assertThat(event.getJsonObject("data"))
          .isEqualTo(
              new JsonObject()
                  .put("conversation_id", c.conversationId())
                  .put("message_id", id)
                  .put("emoji", "👍")
                  .put("user_id", c.bob()));

      Api.Reply again = MessageApi.react(nodes.apiA, c.bobToken(), id, "👍");
      assertThat(again.status()).as("already there: 200, same state").isEqualTo(200);
      assertThat(reaction(again.body(), "👍").getInteger("count")).isEqualTo(1);

      assertThat(MessageApi.react(nodes.apiA, c.aliceToken(), id, "👍").status()).isEqualTo(201);
      assertThat(MessageApi.react(nodes.apiA, c.aliceToken(), id, ":party_parrot:").status())
          .isEqualTo(201);
      aliceOnA.await(frame("reaction.added", id), 3, WAIT);
      assertThat(aliceOnA.frames().stream().filter(frame("reaction.added", id)))
          .extracting(
              f ->
                  f.getJsonObject("data").getString("user_id")
                      + " "
                      + f.getJsonObject("data").getString("emoji"))
          .as("the repeat emitted nothing")
          .containsExactly(c.bob() + " 👍", c.alice() + " 👍", c.alice() + " :party_parrot:");

      JsonObject inHistory = MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), id);
      assertThat(inHistory.getJsonArray("reactions"))
          .containsExactly(
              new JsonObject()
                  .put("emoji", "👍")
                  .put("count", 2)
                  .put("user_ids", new JsonArray().add(c.bob()).add(c.alice())),
              new JsonObject()
                  .put("emoji", ":party_parrot:")
                  .put("count", 1)
                  .put("user_ids", new JsonArray().add(c.alice())));
      JsonObject lastInList =
          ConversationCalls.listed(nodes.apiB, c.bobToken(), c.conversationId())
              .getJsonObject("last_message");
      assertThat(lastInList)
          .as("the list's last message is the whole message object")
          .isEqualTo(inHistory);
      assertThat(about(carolOnA, c.conversationId())).as("a non-member sees nothing").isEmpty();
    }
  }

  @Test
  void removingAReactionReachesTheOtherNodeAndRemovingItAgainIsQuiet() {
    Cast c = cast("unreact");
    try (WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnB = onB(c.carolToken())) {
      String id =
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "hm").getString("id");
      MessageApi.react(nodes.apiA, c.aliceToken(), id, "👩‍👩‍👧‍👦");
      MessageApi.react(nodes.apiA, c.aliceToken(), id, "two words");

      assertThat(MessageApi.unreact(nodes.apiA, c.aliceToken(), id, "👩‍👩‍👧‍👦").status())
          .isEqualTo(204);
      JsonObject removed = bobOnB.awaitOne(frame("reaction.removed", id), WAIT);
      assertThat(removed.getJsonObject("data"))
          .isEqualTo(
              new JsonObject()
                  .put("conversation_id", c.conversationId())
                  .put("message_id", id)
                  .put("emoji", "👩‍👩‍👧‍👦")
                  .put("user_id", c.alice()));
      assertThat(MessageApi.unreact(nodes.apiA, c.aliceToken(), id, "two words").status())
          .isEqualTo(204);
      bobOnB.await(frame("reaction.removed", id), 2, WAIT);

      assertThat(MessageApi.unreact(nodes.apiA, c.aliceToken(), id, "two words").status())
          .as("nothing to remove")
          .isEqualTo(204);
      assertThat(MessageApi.unreact(nodes.apiB, c.bobToken(), id, "👍").status())
          .as("never added")
          .isEqualTo(204);
      MessageApi.react(nodes.apiA, c.aliceToken(), id, "✅");
      bobOnB.awaitOne(
          frame("reaction.added", id)
              .and(f -> "✅".equals(f.getJsonObject("data").getString("emoji"))),
          WAIT);
      assertThat(bobOnB.frames().stream().filter(frame("reaction.removed", id)))
          .as("quiet repeats")
          .hasSize(2);

      assertThat(
              MessageApi.inHistory(nodes.apiB, c.bobToken(), c.conversationId(), id)
                  .getJsonArray("reactions"))
          .extracting(r -> ((JsonObject) r).getString("emoji"))
          .containsExactly("✅");
      assertThat(about(carolOnB, c.conversationId())).isEmpty();
    }
  }

  @Test
  void badEmojiIs400AndStrangersAndUnknownMessagesAre404() {
    Cast c = cast("reaction input");
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "x").getString("id");
    for (Object bad : new Object[] {"", "   ", "x".repeat(65), 7, null}) {
      Api.Reply r = MessageApi.react(nodes.apiA, c.aliceToken(), id, bad);
      assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
    }
    assertThat(MessageApi.react(nodes.apiA, c.aliceToken(), id, "x".repeat(64)).status())
        .isEqualTo(201);
    assertThat(MessageApi.react(nodes.apiB, c.carolToken(), id, "👍").status()).isEqualTo(404);
    assertThat(MessageApi.unreact(nodes.apiB, c.carolToken(), id, "x".repeat(64)).status())
        .isEqualTo(404);
    assertThat(MessageApi.react(nodes.apiA, c.aliceToken(), Ids.newId(), "👍").status())
        .isEqualTo(404);
    assertThat(
            nodes
                .apiA
                .call(
                    HttpMethod.DELETE,
                    "/api/v1/messages/" + id + "/reactions/%20%20",
                    c.aliceToken(),
                    null)
                .status())
        .as("decodes to blank")
        .isEqualTo(400);
    assertThat(
            MessageApi.inHistory(nodes.apiA, c.aliceToken(), c.conversationId(), id)
                .getJsonArray("reactions"))
        .hasSize(1);
  }

  @Test
  void everyMessageOfAHistoryPageCarriesItsOwnReactions() {
    Cast c = cast("page of reactions");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "m" + i).getString("id"));
    }
    for (int i = 0; i < ids.size(); i++) {
      for (int k = 0; k < i % 3; k++) {
        MessageApi.react(
            k % 2 == 0 ? nodes.apiA : nodes.apiB,
            k == 0 ? c.aliceToken() : c.bobToken(),
            ids.get(i),
            "r" + i);
      }
    }
    JsonArray items =
        nodes
            .apiB
            .history(c.bobToken(), c.conversationId(), "limit=6")
            .body()
            .getJsonArray("items");
    assertThat(items).hasSize(6);
    for (int i = 0; i < ids.size(); i++) {
      JsonObject m = items.getJsonObject(i);
      assertThat(m.getString("id")).isEqualTo(ids.get(i));
      int expected = i % 3;
      if (expected == 0) {
        assertThat(m.getJsonArray("reactions")).isEmpty();
      } else {
        assertThat(m.getJsonArray("reactions")).hasSize(1);
        assertThat(reaction(m, "r" + i).getInteger("count")).isEqualTo(expected);
      }
    }
    // an after_seq page reads the same way
    long before = items.getJsonObject(0).getLong("seq") - 1;
    JsonArray after =
        nodes
            .apiA
            .history(c.aliceToken(), c.conversationId(), "after_seq=" + before + "&limit=3")
            .body()
            .getJsonArray("items");
    assertThat(reaction(after.getJsonObject(2), "r2").getJsonArray("user_ids"))
        .containsExactly(c.alice(), c.bob());
  }
}
