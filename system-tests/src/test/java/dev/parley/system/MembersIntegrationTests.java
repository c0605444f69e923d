package dev.parley.system;

import static dev.parley.system.ConversationCalls.EVENT_WAIT;
import static dev.parley.system.ConversationCalls.about;
import static dev.parley.system.ConversationCalls.addMember;
import static dev.parley.system.ConversationCalls.details;
import static dev.parley.system.ConversationCalls.errorCode;
import static dev.parley.system.ConversationCalls.event;
import static dev.parley.system.ConversationCalls.framesAbout;
import static dev.parley.system.ConversationCalls.message;
import static dev.parley.system.ConversationCalls.removeMember;
import static dev.parley.system.ConversationCalls.roles;
import static dev.parley.system.ConversationCalls.setRole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members: add, remove, leave, roles, succession, and what each member's connections see, across two nodes. */
class MembersIntegrationTests extends OnTwoNodes {
  MembersIntegrationTests(TestEnvironment env) {
    super(env);
  }

  @Test
  void
      anAddedUsersOpenConnectionsGetMemberAddedTheSystemMessageAndEverythingAfterWithoutReconnecting() {
    Cast c = cast("team");
    String id = c.conversationId();
    String strangerToken = nodes.apiA.devToken(env.newId("stranger"));
    long before = nodes.apiA.send(c.aliceToken(), id, "before carol", null).body().getLong("seq");

    // carol on A is the only holder there (the node subscribes because of the change); on B bob
    // already holds the conversation (the node may have delivered the change before its notice)
    try (WsClient carolOnA = onA(c.carolToken());
        WsClient carolOnB = onB(c.carolToken());
        WsClient bobOnB = onB(c.bobToken());
        WsClient strangerOnB = onB(strangerToken)) {
      Api.Reply added = addMember(nodes.apiA, c.aliceToken(), id, c.carol());
      assertThat(added.status()).isEqualTo(201);
      assertThat(added.body())
          .isEqualTo(
              new JsonObject()
                  .put("user_id", c.carol())
                  .put("role", "member")
                  .put("name", c.carol()));

      for (WsClient member : List.of(carolOnA, carolOnB, bobOnB)) {
        List<JsonObject> got = member.await(about(id), 2, EVENT_WAIT);
        assertThat(got)
            .extracting(f -> f.getString("type"))
            .containsExactly("member.added", "message.new");
        assertThat(got.get(0).getJsonObject("data"))
            .isEqualTo(
                new JsonObject()
                    .put("conversation_id", id)
                    .put("user_id", c.carol())
                    .put("role", "member"));
        JsonObject system = got.get(1).getJsonObject("data");
        assertThat(system.getString("type")).isEqualTo("system");
        assertThat(system.getValue("sender_id")).isNull();
        assertThat(system.getString("content")).isEqualTo(c.alice() + " added " + c.carol());
        assertThat(system.getJsonObject("system"))
            .isEqualTo(
                new JsonObject()
                    .put("event", "member.added")
                    .put("actor_id", c.alice())
                    .put("user_id", c.carol()));
        assertThat(system.getLong("prev_seq"))
            .as("the system message follows the last message")
            .isEqualTo(before);
      }

      // no reconnect: what follows reaches carol's connections, and carol may send on the other
      // node at once
      nodes.apiA.send(c.bobToken(), id, "welcome carol", null);
      Api.Reply carolSends = nodes.apiB.send(c.carolToken(), id, "thanks", null);
      assertThat(carolSends.status()).isEqualTo(201);
      for (WsClient member : List.of(carolOnA, carolOnB, bobOnB)) {
        member.awaitOne(message(id, "welcome carol"), EVENT_WAIT);
        member.awaitOne(message(id, "thanks"), EVENT_WAIT);
        assertThat(framesAbout(member, id)).as("each event once").hasSize(4);
      }
      assertThat(framesAbout(strangerOnB, id)).as("a non-member sees nothing").isEmpty();

      // a new member sees the whole history
      Api.Reply history = nodes.apiB.history(c.carolToken(), id, null);
      assertThat(history.status()).isEqualTo(200);
      assertThat(history.body().getJsonArray("items"))
          .extracting(o -> ((JsonObject) o).getString("content"))
          .containsExactly(
              "before carol", c.alice() + " added " + c.carol(), "welcome carol", "thanks");
    }
  }

  @Test
  void aMessageSentTheInstantSomeoneIsAddedReachesTheirConnectionsOnceAndInOrder() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String carolToken = nodes.apiA.devToken(carol);
    try (WsClient bobOnB = onB(bobToken);
        WsClient carolOnA = onA(carolToken);
        WsClient carolOnB = onB(carolToken)) {
      for (int round = 0; round < 15; round++) {
        String id =
            nodes.apiA.createGroup(aliceToken, "round " + round, List.of(bob)).getString("id");
        nodes.apiB.send(bobToken, id, "before " + round, null);
        // node B already delivers this conversation (bob is there); node A subscribes because of
        // the add
        assertThat(addMember(nodes.apiA, aliceToken, id, carol).status()).isEqualTo(201);
        nodes.apiB.send(bobToken, id, "at once " + round, null);
        for (WsClient c : List.of(carolOnA, carolOnB)) {
          c.awaitOne(message(id, "at once " + round), EVENT_WAIT);
          assertThat(framesAbout(c, id))
              .extracting(
                  f -> f.getString("type") + ":" + f.getJsonObject("data").getString("content", ""))
              .containsExactly(
                  "member.added:",
                  "message.new:" + alice + " added " + carol,
                  "message.new:at once " + round);
        }
      }
    }
  }

  @Test
  void addingAnExistingMemberIsANoOpAndAddingSomeoneNeverSeenCreatesTheirUser() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String ghost = env.newId("ghost");
    String aliceToken = nodes.apiA.devToken(alice);
    String id = nodes.apiA.createGroup(aliceToken, "team", List.of(bob)).getString("id");
    nodes.apiA.send(aliceToken, id, "hello", null);

    Api.Reply again = addMember(nodes.apiB, aliceToken, id, bob);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body())
        .as("bob has not signed in yet: no name")
        .isEqualTo(new JsonObject().put("user_id", bob).put("role", "member").putNull("name"));

    Api.Reply added = addMember(nodes.apiB, aliceToken, id, ghost);
    assertThat(added.status()).isEqualTo(201);
    assertThat(added.body())
        .isEqualTo(new JsonObject().put("user_id", ghost).put("role", "member").putNull("name"));

    List<JsonObject> history = historyItems(aliceToken, id);
    assertThat(history)
        .filteredOn(m -> "system".equals(m.getString("type")))
        .as("the no-op add wrote no system message")
        .extracting(m -> m.getString("content"))
        .containsExactly(alice + " added " + ghost);

    // ghost signs in later: the group is there, with nothing unread (its read position starts at
    // the join)
    Rows.awaitCount(pool(), id, 2, Duration.ofSeconds(20));
    String ghostToken = nodes.apiB.devToken(ghost);
    JsonObject listed = ConversationCalls.listed(nodes.apiB, ghostToken, id);
    assertThat(listed).isNotNull();
    assertThat(listed.getString("role")).isEqualTo("member");
    assertThat(listed.getLong("unread_count")).isZero();
    assertThat(listed.getJsonObject("last_message").getString("type")).isEqualTo("system");
  }

  @Test
  void addingIsRefusedToPlainMembersStrangersBadIdsAndDirectConversations() {
    Cast c = cast("team");
    String id = c.conversationId();
    String strangerToken = nodes.apiA.devToken(env.newId("stranger"));

    Api.Reply byMember = addMember(nodes.apiA, c.bobToken(), id, env.newId("x"));
    assertThat(byMember.status()).isEqualTo(403);
    assertThat(errorCode(byMember)).isEqualTo("forbidden");
    Api.Reply byStranger = addMember(nodes.apiB, strangerToken, id, env.newId("x"));
    assertThat(byStranger.status()).isEqualTo(404);
    assertThat(errorCode(byStranger)).isEqualTo("not_found");
    assertThat(addMember(nodes.apiA, c.aliceToken(), Ids.newId(), env.newId("x")).status())
        .isEqualTo(404);
    assertThat(addMember(nodes.apiA, c.aliceToken(), id, "not valid!").status()).isEqualTo(400);
    Api.Reply noUser =
        nodes.apiA.call(
            HttpMethod.POST,
            "/api/v1/conversations/" + id + "/members",
            c.aliceToken(),
            new JsonObject());
    assertThat(noUser.status()).isEqualTo(400);
    assertThat(errorCode(noUser)).isEqualTo("invalid_argument");

    String direct =
        ConversationCalls.direct(nodes.apiA, c.aliceToken(), c.bob()).body().getString("id");
    Api.Reply toDirect = addMember(nodes.apiA, c.aliceToken(), direct, env.newId("x"));
    assertThat(toDirect.status()).isEqualTo(400);
    assertThat(errorCode(toDirect)).isEqualTo("invalid_argument");
    assertThat(removeMember(nodes.apiA, c.aliceToken(), direct, c.bob()).status()).isEqualTo(400);
    assertThat(setRole(nodes.apiA, c.aliceToken(), direct, c.bob(), "admin").status())
        .isEqualTo(400);
    assertThat(removeMember(nodes.apiA, strangerToken, direct, c.bob()).status())
        .as("strangers learn nothing")
        .isEqualTo(404);
  }

  @Test
  void aRemovedMembersConnectionsGetMemberRemovedAndThenNothingMore() {
    Cast c = castWithCarol("team");
    String id = c.conversationId();
    String strangerToken = nodes.apiA.devToken(env.newId("stranger"));

    try (WsClient bobOnA = onA(c.bobToken());
        WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnB = onB(c.carolToken());
        WsClient strangerOnB = onB(strangerToken)) {
      assertThat(removeMember(nodes.apiA, c.aliceToken(), id, c.bob()).status()).isEqualTo(204);

      for (WsClient member : List.of(bobOnA, bobOnB, carolOnB)) {
        List<JsonObject> got = member.await(about(id), 2, EVENT_WAIT);
        assertThat(got)
            .extracting(f -> f.getString("type"))
            .containsExactly("message.new", "member.removed");
        assertThat(got.get(0).getJsonObject("data").getString("content"))
            .isEqualTo(c.alice() + " removed " + c.bob());
        assertThat(got.get(0).getJsonObject("data").getJsonObject("system").getString("event"))
            .isEqualTo("member.removed");
        assertThat(got.get(1).getJsonObject("data"))
            .isEqualTo(new JsonObject().put("conversation_id", id).put("user_id", c.bob()));
      }

      // later events reach the members (also on bob's node) and never bob
      nodes.apiA.send(c.aliceToken(), id, "after bob", null);
      nodes.apiB.send(c.carolToken(), id, "still here", null);
      carolOnB.awaitOne(message(id, "after bob"), EVENT_WAIT);
      carolOnB.awaitOne(message(id, "still here"), EVENT_WAIT);
      assertThat(
              ConversationCalls.update(
                      nodes.apiA, c.aliceToken(), id, new JsonObject().put("name", "without bob"))
                  .status())
          .isEqualTo(200);
      carolOnB.awaitOne(event("conversation.updated", id), EVENT_WAIT);
      for (WsClient removed : List.of(bobOnA, bobOnB)) {
        assertThat(framesAbout(removed, id))
            .extracting(f -> f.getString("type"))
            .containsExactly("message.new", "member.removed");
      }
      assertThat(framesAbout(strangerOnB, id)).isEmpty();
    }

    // and the conversation is gone for bob, on either node
    assertThat(details(nodes.apiB, c.bobToken(), id).status()).isEqualTo(404);
    assertThat(nodes.apiB.history(c.bobToken(), id, null).status()).isEqualTo(404);
    assertThat(nodes.apiA.send(c.bobToken(), id, "let me in", null).status()).isEqualTo(404);
    assertThat(ConversationCalls.listed(nodes.apiB, c.bobToken(), id)).isNull();
    assertThat(roles(details(nodes.apiA, c.aliceToken(), id).body()))
        .containsExactlyInAnyOrder(c.alice() + ":owner", c.carol() + ":member");
  }

  @Test
  void aRemovedUserAddedBackGetsTheConversationAgainOnTheSameConnection() {
    Cast c = cast("team");
    String id = c.conversationId();
    nodes.apiA.send(c.aliceToken(), id, "first", null);
    try (WsClient bobOnB = onB(c.bobToken())) {
      assertThat(removeMember(nodes.apiA, c.aliceToken(), id, c.bob()).status()).isEqualTo(204);
      bobOnB.awaitOne(event("member.removed", id), EVENT_WAIT);
      nodes.apiA.send(c.aliceToken(), id, "while bob was away", null);
      assertThat(addMember(nodes.apiA, c.aliceToken(), id, c.bob()).status()).isEqualTo(201);
      nodes.apiA.send(c.aliceToken(), id, "welcome back", null);
      bobOnB.awaitOne(message(id, "welcome back"), EVENT_WAIT);
      assertThat(framesAbout(bobOnB, id))
          .extracting(
              f -> f.getString("type") + ":" + f.getJsonObject("data").getString("content", ""))
          .containsExactly(
              "message.new:" + c.alice() + " removed " + c.bob(),
              "member.removed:",
              "member.added:",
              "message.new:" + c.alice() + " added " + c.bob(),
              "message.new:welcome back");
    }
    assertThat(historyItems(c.bobToken(), id))
        .extracting(m -> m.getString("content"))
        .contains("first", "while bob was away", "welcome back");
  }

  @Test
  void anAdminRemovesPlainMembersButNeitherTheOwnerNorAnotherAdminAndAnyoneMayLeave() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    String dave = env.newId("dave");
    String erin = env.newId("erin");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String erinToken = nodes.apiA.devToken(erin);
    String id =
        nodes.apiA.createGroup(aliceToken, "team", List.of(bob, carol, dave)).getString("id");
    assertThat(setRole(nodes.apiA, aliceToken, id, bob, "admin").status()).isEqualTo(200);
    assertThat(setRole(nodes.apiA, aliceToken, id, carol, "admin").status()).isEqualTo(200);

    Api.Reply adminRemovesAdmin = removeMember(nodes.apiB, bobToken, id, carol);
    assertThat(adminRemovesAdmin.status()).isEqualTo(403);
    assertThat(errorCode(adminRemovesAdmin)).isEqualTo("forbidden");
    assertThat(removeMember(nodes.apiB, bobToken, id, alice).status()).isEqualTo(403);
    assertThat(removeMember(nodes.apiB, bobToken, id, dave).status()).isEqualTo(204);
    assertThat(addMember(nodes.apiB, bobToken, id, erin).status())
        .as("an admin adds")
        .isEqualTo(201);
    assertThat(removeMember(nodes.apiA, erinToken, id, bob).status())
        .as("a plain member removes nobody")
        .isEqualTo(403);
    assertThat(removeMember(nodes.apiA, aliceToken, id, dave).status())
        .as("not a member (any more)")
        .isEqualTo(404);
    assertThat(removeMember(nodes.apiA, aliceToken, id, "no%20such%20user%21").status())
        .isEqualTo(404);
    assertThat(
            removeMember(nodes.apiA, nodes.apiA.devToken(env.newId("stranger")), id, bob).status())
        .isEqualTo(404);

    assertThat(removeMember(nodes.apiA, erinToken, id, erin).status()).as("leaving").isEqualTo(204);
    assertThat(roles(details(nodes.apiA, aliceToken, id).body()))
        .containsExactlyInAnyOrder(alice + ":owner", bob + ":admin", carol + ":admin");
    assertThat(historyItems(aliceToken, id))
        .filteredOn(m -> "system".equals(m.getString("type")))
        .extracting(
            m -> m.getString("content") + "|" + m.getJsonObject("system").getString("event"))
        .containsExactly(
            bob + " removed " + dave + "|member.removed",
            bob + " added " + erin + "|member.added",
            erin + " left|member.left");
  }

  @Test
  void theOwnerSetsRolesAndHandsOwnershipOverAndMembersSeeConversationUpdated() {
    Cast c = castWithCarol("team");
    String id = c.conversationId();
    String strangerToken = nodes.apiA.devToken(env.newId("stranger"));

    assertThat(setRole(nodes.apiA, c.bobToken(), id, c.carol(), "admin").status()).isEqualTo(403);
    assertThat(setRole(nodes.apiA, strangerToken, id, c.carol(), "admin").status()).isEqualTo(404);
    assertThat(setRole(nodes.apiA, c.aliceToken(), id, c.carol(), "root").status()).isEqualTo(400);
    assertThat(
            nodes
                .apiA
                .call(
                    HttpMethod.PUT,
                    "/api/v1/conversations/" + id + "/members/" + c.carol(),
                    c.aliceToken(),
                    new JsonObject())
                .status())
        .isEqualTo(400);
    assertThat(setRole(nodes.apiA, c.aliceToken(), id, env.newId("nobody"), "admin").status())
        .isEqualTo(404);
    assertThat(setRole(nodes.apiA, c.aliceToken(), id, c.alice(), "member").status())
        .as("the owner hands over instead")
        .isEqualTo(400);

    try (WsClient carolOnB = onB(c.carolToken());
        WsClient strangerOnB = onB(strangerToken)) {
      Api.Reply promoted = setRole(nodes.apiA, c.aliceToken(), id, c.bob(), "admin");
      assertThat(promoted.status()).isEqualTo(200);
      assertThat(promoted.body())
          .isEqualTo(
              new JsonObject().put("user_id", c.bob()).put("role", "admin").put("name", c.bob()));
      JsonObject updated =
          carolOnB.awaitOne(event("conversation.updated", id), EVENT_WAIT).getJsonObject("data");
      assertThat(roles(updated))
          .containsExactlyInAnyOrder(
              c.alice() + ":owner", c.bob() + ":admin", c.carol() + ":member");

      assertThat(setRole(nodes.apiA, c.bobToken(), id, c.carol(), "admin").status())
          .as("setting roles is the owner's")
          .isEqualTo(403);
      Api.Reply same = setRole(nodes.apiA, c.aliceToken(), id, c.bob(), "admin");
      assertThat(same.status()).isEqualTo(200);

      Api.Reply handedOver = setRole(nodes.apiB, c.aliceToken(), id, c.carol(), "owner");
      assertThat(handedOver.status()).isEqualTo(200);
      assertThat(handedOver.body().getString("role")).isEqualTo("owner");
      List<JsonObject> updates = carolOnB.await(event("conversation.updated", id), 2, EVENT_WAIT);
      assertThat(roles(updates.get(1).getJsonObject("data")))
          .containsExactlyInAnyOrder(
              c.alice() + ":admin", c.bob() + ":admin", c.carol() + ":owner");
      assertThat(carolOnB.framesOfType("conversation.updated"))
          .as("an unchanged role sends nothing")
          .hasSize(2);
      assertThat(framesAbout(strangerOnB, id)).isEmpty();
    }
    assertThat(roles(details(nodes.apiB, c.bobToken(), id).body()))
        .containsExactlyInAnyOrder(c.alice() + ":admin", c.bob() + ":admin", c.carol() + ":owner");
    assertThat(setRole(nodes.apiA, c.aliceToken(), id, c.bob(), "member").status())
        .as("alice is no longer the owner")
        .isEqualTo(403);
    assertThat(setRole(nodes.apiA, c.carolToken(), id, c.alice(), "member").status())
        .isEqualTo(200);
  }

  @Test
  void
      whenTheOwnerLeavesTheLongestStandingAdminElseMemberTakesOverAndTheLastOneOutDeletesTheGroup() {
    Cast c = cast("team");
    String id = c.conversationId();
    String erin = env.newId("erin");
    String erinToken = nodes.apiA.devToken(erin);
    addMember(nodes.apiA, c.aliceToken(), id, c.carol());
    addMember(nodes.apiA, c.aliceToken(), id, erin);
    setRole(nodes.apiA, c.aliceToken(), id, c.carol(), "admin");

    try (WsClient bobOnB = onB(c.bobToken());
        WsClient erinOnA = onA(erinToken)) {
      // carol joined after bob, but admins come first
      assertThat(removeMember(nodes.apiA, c.aliceToken(), id, c.alice()).status()).isEqualTo(204);
      List<JsonObject> got = bobOnB.await(about(id), 3, EVENT_WAIT);
      assertThat(got)
          .extracting(f -> f.getString("type"))
          .containsExactly("message.new", "member.removed", "conversation.updated");
      assertThat(got.get(0).getJsonObject("data").getString("content"))
          .isEqualTo(c.alice() + " left");
      assertThat(roles(got.get(2).getJsonObject("data")))
          .containsExactlyInAnyOrder(c.bob() + ":member", c.carol() + ":owner", erin + ":member");

      // no admin left: the longest-standing member, bob, over erin who joined later
      assertThat(removeMember(nodes.apiB, c.carolToken(), id, c.carol()).status()).isEqualTo(204);
      assertThat(roles(details(nodes.apiA, erinToken, id).body()))
          .containsExactlyInAnyOrder(c.bob() + ":owner", erin + ":member");
      assertThat(removeMember(nodes.apiB, c.bobToken(), id, c.bob()).status()).isEqualTo(204);
      assertThat(roles(details(nodes.apiA, erinToken, id).body())).containsExactly(erin + ":owner");
      erinOnA.await(event("conversation.updated", id), 2, EVENT_WAIT);

      // the last one out
      assertThat(removeMember(nodes.apiA, erinToken, id, erin).status()).isEqualTo(204);
      erinOnA.awaitOne(event("member.removed", id), EVENT_WAIT);
    }
    for (String token : List.of(c.aliceToken(), c.bobToken(), c.carolToken(), erinToken)) {
      assertThat(details(nodes.apiB, token, id).status()).isEqualTo(404);
      assertThat(ConversationCalls.listed(nodes.apiB, token, id)).isNull();
    }
    Api.Reply readd = addMember(nodes.apiA, erinToken, id, erin);
    assertThat(readd.status()).as("a deleted group takes no members").isEqualTo(404);
  }

  private List<JsonObject> historyItems(String token, String conversationId) {
    Api.Reply r = nodes.apiA.history(token, conversationId, "limit=100");
    assertThat(r.status()).isEqualTo(200);
    return r.body().getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }
}
