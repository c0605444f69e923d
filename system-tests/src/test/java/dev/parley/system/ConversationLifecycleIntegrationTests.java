package dev.parley.system;

import static dev.parley.system.ConversationCalls.EVENT_WAIT;
import static dev.parley.system.ConversationCalls.addMember;
import static dev.parley.system.ConversationCalls.delete;
import static dev.parley.system.ConversationCalls.details;
import static dev.parley.system.ConversationCalls.errorCode;
import static dev.parley.system.ConversationCalls.event;
import static dev.parley.system.ConversationCalls.framesAbout;
import static dev.parley.system.ConversationCalls.listed;
import static dev.parley.system.ConversationCalls.removeMember;
import static dev.parley.system.ConversationCalls.setRole;
import static dev.parley.system.ConversationCalls.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Renaming, deleting and hiding conversations, and the list's order and unread counts, across two nodes. */
class ConversationLifecycleIntegrationTests extends OnTwoNodes {
  private static final Duration STORED = Duration.ofSeconds(20);

  ConversationLifecycleIntegrationTests(TestEnvironment env) {
    super(env);
  }

  @Test
  void theOwnerOrAnAdminRenamesTheGroupAndMembersGetConversationUpdated() {
    Cast c = castWithCarol("team");
    String id = c.conversationId();
    String strangerToken = nodes.apiA.devToken(env.newId("stranger"));
    setRole(nodes.apiA, c.aliceToken(), id, c.bob(), "admin");

    try (WsClient carolOnB = onB(c.carolToken());
        WsClient strangerOnB = onB(strangerToken)) {
      Api.Reply renamed =
          update(
              nodes.apiA,
              c.aliceToken(),
              id,
              new JsonObject().put("name", "  renamed ").put("description", "what we do"));
      assertThat(renamed.status()).isEqualTo(200);
      assertThat(renamed.body().getString("id")).isEqualTo(id);
      assertThat(renamed.body().getString("name")).isEqualTo("renamed");
      assertThat(renamed.body().getString("description")).isEqualTo("what we do");
      assertThat(renamed.body().getJsonArray("members")).hasSize(3);

      JsonObject event =
          carolOnB.awaitOne(event("conversation.updated", id), EVENT_WAIT).getJsonObject("data");
      assertThat(event).isEqualTo(renamed.body());

      // an admin may too; a field left out stays, null clears it
      Api.Reply cleared =
          update(nodes.apiB, c.bobToken(), id, new JsonObject().putNull("description"));
      assertThat(cleared.status()).isEqualTo(200);
      assertThat(cleared.body().getString("name")).isEqualTo("renamed");
      assertThat(cleared.body().getValue("description")).isNull();
      carolOnB.await(event("conversation.updated", id), 2, EVENT_WAIT);
      assertThat(framesAbout(strangerOnB, id)).isEmpty();
    }
    assertThat(details(nodes.apiB, c.carolToken(), id).body().getString("name"))
        .isEqualTo("renamed");

    Api.Reply byMember =
        update(nodes.apiB, c.carolToken(), id, new JsonObject().put("name", "mine"));
    assertThat(byMember.status()).isEqualTo(403);
    assertThat(errorCode(byMember)).isEqualTo("forbidden");
    assertThat(update(nodes.apiB, strangerToken, id, new JsonObject().put("name", "mine")).status())
        .isEqualTo(404);
    for (JsonObject bad :
        List.of(
            new JsonObject(),
            new JsonObject().put("name", 5),
            new JsonObject().put("name", "x".repeat(201)),
            new JsonObject().put("description", List.of("x")))) {
      Api.Reply r = update(nodes.apiA, c.aliceToken(), id, bad);
      assertThat(r.status()).as(bad.encode()).isEqualTo(400);
      assertThat(errorCode(r)).isEqualTo("invalid_argument");
    }
    String direct =
        ConversationCalls.direct(nodes.apiA, c.aliceToken(), c.bob()).body().getString("id");
    assertThat(
            update(nodes.apiA, c.aliceToken(), direct, new JsonObject().put("name", "us")).status())
        .isEqualTo(400);
  }

  @Test
  void theOwnerDeletesTheGroupForEveryoneAndThenEverythingAboutItIs404() {
    Cast c = castWithCarol("doomed");
    String id = c.conversationId();
    String strangerToken = nodes.apiA.devToken(env.newId("stranger"));
    setRole(nodes.apiA, c.aliceToken(), id, c.bob(), "admin");
    nodes.apiA.send(c.carolToken(), id, "history", null);

    assertThat(delete(nodes.apiB, c.bobToken(), id).status()).as("an admin may not").isEqualTo(403);
    assertThat(delete(nodes.apiB, c.carolToken(), id).status()).isEqualTo(403);
    assertThat(delete(nodes.apiB, strangerToken, id).status()).isEqualTo(404);

    try (WsClient carolOnA = onA(c.carolToken());
        WsClient carolOnB = onB(c.carolToken());
        WsClient bobOnB = onB(c.bobToken());
        WsClient strangerOnB = onB(strangerToken)) {
      assertThat(delete(nodes.apiA, c.aliceToken(), id).status()).isEqualTo(204);
      for (WsClient member : List.of(carolOnA, carolOnB, bobOnB)) {
        JsonObject deleted = member.awaitOne(event("conversation.deleted", id), EVENT_WAIT);
        assertThat(deleted.getJsonObject("data"))
            .isEqualTo(new JsonObject().put("conversation_id", id));
      }
      assertThat(framesAbout(strangerOnB, id)).isEmpty();

      for (String token : List.of(c.aliceToken(), c.bobToken(), c.carolToken())) {
        assertThat(details(nodes.apiB, token, id).status()).isEqualTo(404);
        assertThat(nodes.apiB.history(token, id, null).status())
            .as("its history is gone")
            .isEqualTo(404);
        assertThat(nodes.apiA.history(token, id, null).status()).isEqualTo(404);
        assertThat(listed(nodes.apiB, token, id)).isNull();
      }
      Api.Reply send = nodes.apiB.send(c.carolToken(), id, "anyone?", null);
      assertThat(send.status()).isEqualTo(404);
      assertThat(errorCode(send)).isEqualTo("not_found");
      assertThat(
              update(nodes.apiA, c.aliceToken(), id, new JsonObject().put("name", "back")).status())
          .isEqualTo(404);
      assertThat(addMember(nodes.apiA, c.aliceToken(), id, env.newId("x")).status()).isEqualTo(404);
      assertThat(removeMember(nodes.apiA, c.aliceToken(), id, c.bob()).status()).isEqualTo(404);
      assertThat(setRole(nodes.apiA, c.aliceToken(), id, c.bob(), "member").status())
          .isEqualTo(404);
      assertThat(delete(nodes.apiA, c.aliceToken(), id).status()).isEqualTo(404);
      for (WsClient member : List.of(carolOnA, carolOnB, bobOnB)) {
        List<JsonObject> frames = framesAbout(member, id);
        assertThat(frames.get(frames.size() - 1).getString("type"))
            .as("nothing after conversation.deleted")
            .isEqualTo("conversation.deleted");
      }
    }
  }

  @Test
  void
      deletingADirectConversationHidesItFromTheCallerUntilANewMessageAndCreatingItAgainBringsItBack() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiB.devToken(bob);
    String id = ConversationCalls.direct(nodes.apiA, aliceToken, bob).body().getString("id");
    nodes.apiA.send(aliceToken, id, "hi bob", null);
    Rows.awaitCount(pool(), id, 1, STORED);

    assertThat(delete(nodes.apiB, nodes.apiB.devToken(env.newId("stranger")), id).status())
        .isEqualTo(404);
    assertThat(delete(nodes.apiA, aliceToken, id).status()).isEqualTo(204);
    assertThat(listed(nodes.apiA, aliceToken, id)).as("hidden from alice").isNull();
    assertThat(listed(nodes.apiB, bobToken, id)).as("bob still has it").isNotNull();

    // a newer message brings it back, once stored
    assertThat(nodes.apiB.send(bobToken, id, "still there?", null).status()).isEqualTo(201);
    JsonObject back =
        Await.until(
            () -> listed(nodes.apiA, aliceToken, id),
            System.nanoTime() + STORED.toNanos(),
            () -> "the direct conversation did not come back to alice's list");
    assertThat(back.getJsonObject("last_message").getString("content")).isEqualTo("still there?");
    assertThat(back.getLong("unread_count")).isEqualTo(1);

    // hidden again, then created again: back with its history
    assertThat(delete(nodes.apiA, aliceToken, id).status()).isEqualTo(204);
    assertThat(listed(nodes.apiA, aliceToken, id)).isNull();
    Api.Reply again = ConversationCalls.direct(nodes.apiA, aliceToken, bob);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().getString("id")).isEqualTo(id);
    assertThat(listed(nodes.apiA, aliceToken, id)).isNotNull();
    assertThat(nodes.apiA.history(aliceToken, id, null).body().getJsonArray("items"))
        .extracting(o -> ((JsonObject) o).getString("content"))
        .containsExactly("hi bob", "still there?");
  }

  @Test
  void theListIsNewestActivityFirstAndCountsOthersLiveNonSystemMessagesAfterTheReadPosition() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String carolToken = nodes.apiB.devToken(carol);
    String first = nodes.apiA.createGroup(aliceToken, "first", List.of(bob)).getString("id");
    String second = nodes.apiA.createGroup(aliceToken, "second", List.of(bob)).getString("id");

    nodes.apiA.send(aliceToken, first, "a1", null);
    nodes.apiA.send(bobToken, first, "b1", null);
    String b2 = nodes.apiA.send(bobToken, first, "b2", null).body().getString("id");
    nodes.apiA.send(bobToken, first, "b3", null);
    assertThat(addMember(nodes.apiA, aliceToken, first, carol).status()).isEqualTo(201);
    nodes.apiB.send(bobToken, first, "b4", null);
    Rows.awaitCount(pool(), first, 6, STORED);
    // a deleted message never counts
    assertThat(MessageApi.delete(nodes.apiB, bobToken, b2).status()).isEqualTo(204);

    JsonObject aliceView = listed(nodes.apiA, aliceToken, first);
    assertThat(aliceView.getLong("unread_count"))
        .as("b1, b3, b4: not her own, the deleted or the system message")
        .isEqualTo(3);
    JsonObject carolView = listed(nodes.apiB, carolToken, first);
    assertThat(carolView.getLong("unread_count"))
        .as("carol's read position starts at her join")
        .isEqualTo(1);
    assertThat(carolView.getJsonObject("last_message").getString("content")).isEqualTo("b4");
    assertThat(listed(nodes.apiB, bobToken, first).getLong("unread_count"))
        .as("sending moved bob's read position")
        .isZero();

    // newest activity first
    nodes.apiB.send(bobToken, second, "newer", null);
    Rows.awaitCount(pool(), second, 1, STORED);
    List<String> order =
        ConversationCalls.list(nodes.apiA, aliceToken).stream()
            .map(c -> c.getString("id"))
            .filter(cid -> cid.equals(first) || cid.equals(second))
            .toList();
    assertThat(order).containsExactly(second, first);
  }

  @Test
  void aHiddenDirectConversationStillReachesTheCallersConnections() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String id = ConversationCalls.direct(nodes.apiA, aliceToken, bob).body().getString("id");
    assertThat(delete(nodes.apiA, aliceToken, id).status()).isEqualTo(204);
    try (WsClient aliceOnB = onB(aliceToken)) {
      nodes.apiA.send(bobToken, id, "ping", null);
      aliceOnB.awaitOne(ConversationCalls.message(id, "ping"), EVENT_WAIT);
      assertThat(framesAbout(aliceOnB, id)).hasSize(1);
    }
  }
}
