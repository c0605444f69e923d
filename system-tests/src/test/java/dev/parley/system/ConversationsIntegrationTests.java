package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConversationsIntegrationTests extends OnTwoNodes {
  ConversationsIntegrationTests(TestEnvironment env) {
    super(env);
  }

  private static JsonObject direct(String other) {
    return new JsonObject().put("type", "direct").put("member_ids", new JsonArray().add(other));
  }

  @Test
  void aDirectConversationIsCreatedOnceAndReturnedFromEitherSide() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiB.devToken(bob);
    Api.Reply created =
        nodes.apiA.call(HttpMethod.POST, "/api/v1/conversations", aliceToken, direct(bob));
    Api.Reply again =
        nodes.apiB.call(HttpMethod.POST, "/api/v1/conversations", bobToken, direct(alice));
    assertThat(created.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().getString("id")).isEqualTo(created.body().getString("id"));
    assertThat(created.body().getString("type")).isEqualTo("direct");
    assertThat(created.body().getValue("name")).isNull();
    assertThat(created.body().getJsonArray("members")).hasSize(2);
  }

  @Test
  void bothSidesCreatingAtTheSameMomentGetOneConversation() throws Exception {
    String carol = env.newId("carol");
    String dan = env.newId("dan");
    String carolToken = nodes.apiA.devToken(carol);
    String danToken = nodes.apiB.devToken(dan);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Api.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      boolean fromCarol = i % 2 == 0;
      replies.add(
          pool.submit(
              () ->
                  fromCarol
                      ? nodes.apiA.call(
                          HttpMethod.POST, "/api/v1/conversations", carolToken, direct(dan))
                      : nodes.apiB.call(
                          HttpMethod.POST, "/api/v1/conversations", danToken, direct(carol))));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Future<Api.Reply> f : replies) {
      Api.Reply r = f.get();
      assertThat(r.status()).isIn(200, 201);
      created += r.status() == 201 ? 1 : 0;
      ids.add(r.body().getString("id"));
    }
    pool.shutdown();
    assertThat(ids).hasSize(1);
    assertThat(created).isEqualTo(1);
  }

  @Test
  void malformedCreationsAreClearErrors() {
    String token = nodes.apiA.devToken(env.newId("erin"));
    for (JsonObject bad :
        List.of(
            new JsonObject()
                .put("type", "direct")
                .put("name", "x")
                .put("member_ids", new JsonArray().add("zed")),
            new JsonObject().put("type", "direct").put("member_ids", new JsonArray()),
            new JsonObject()
                .put("type", "direct")
                .put("member_ids", new JsonArray().add("a").add("b")),
            new JsonObject().put("type", "channel"),
            new JsonObject()
                .put("type", "group")
                .put("member_ids", new JsonArray().add("not valid!")),
            new JsonObject().put("type", "group").put("name", 5))) {
      Api.Reply r = nodes.apiA.call(HttpMethod.POST, "/api/v1/conversations", token, bad);
      assertThat(r.status()).as(bad.encode()).isEqualTo(400);
      assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
    }
  }

  @Test
  void detailsListMembersWithRolesAndHideFromNonMembers() {
    String owner = env.newId("owner");
    String member = env.newId("member");
    String ownerToken = nodes.apiA.devToken(owner);
    JsonObject group = nodes.apiA.createGroup(ownerToken, "roles", List.of(member));
    Api.Reply details =
        nodes.apiB.call(
            HttpMethod.GET,
            "/api/v1/conversations/" + group.getString("id"),
            nodes.apiB.devToken(member),
            null);
    assertThat(details.status()).isEqualTo(200);
    assertThat(details.body().getString("name")).isEqualTo("roles");
    assertThat(details.body().getJsonArray("members"))
        .extracting(
            m -> ((JsonObject) m).getString("user_id") + ":" + ((JsonObject) m).getString("role"))
        .containsExactlyInAnyOrder(owner + ":owner", member + ":member");
    Api.Reply stranger =
        nodes.apiB.call(
            HttpMethod.GET,
            "/api/v1/conversations/" + group.getString("id"),
            nodes.apiB.devToken(env.newId("x")),
            null);
    assertThat(stranger.status()).isEqualTo(404);
    assertThat(
            nodes
                .apiB
                .call(HttpMethod.GET, "/api/v1/conversations/nope", ownerToken, null)
                .status())
        .isEqualTo(404);
  }

  @Test
  void theListIsNewestActivityFirstWithLastMessageUnreadCountAndCursors() {
    String frank = env.newId("frank");
    String gina = env.newId("gina");
    String frankToken = nodes.apiA.devToken(frank);
    String ginaToken = nodes.apiB.devToken(gina);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(nodes.apiA.createGroup(frankToken, "list " + i, List.of(gina)).getString("id"));
    }
    // activity: the first conversation gets the newest message; two unread for gina there
    nodes.apiA.send(frankToken, ids.get(0), "one", null);
    nodes.apiA.send(frankToken, ids.get(0), "two", null);
    nodes.apiB.send(ginaToken, ids.get(0), "mine", null);
    Rows.awaitCount(pool(), ids.get(0), 3, Duration.ofSeconds(20));

    Api.Reply page1 =
        nodes.apiB.call(HttpMethod.GET, "/api/v1/conversations?limit=2", ginaToken, null);
    assertThat(page1.status()).isEqualTo(200);
    JsonArray items = page1.body().getJsonArray("items");
    assertThat(items).hasSize(2);
    JsonObject first = items.getJsonObject(0);
    assertThat(first.getString("id")).isEqualTo(ids.get(0));
    assertThat(first.getJsonObject("last_message").getString("content")).isEqualTo("mine");
    assertThat(first.getLong("unread_count"))
        .as("own messages never count; sending moved the read position")
        .isEqualTo(0);
    String cursor = page1.body().getString("next_cursor");
    assertThat(cursor).isNotNull();

    Api.Reply page2 =
        nodes.apiB.call(
            HttpMethod.GET, "/api/v1/conversations?limit=2&cursor=" + cursor, ginaToken, null);
    JsonArray rest = page2.body().getJsonArray("items");
    assertThat(rest).hasSize(1);
    assertThat(page2.body().getValue("next_cursor")).isNull();
    Set<String> seen = new HashSet<>();
    items.forEach(o -> seen.add(((JsonObject) o).getString("id")));
    rest.forEach(o -> seen.add(((JsonObject) o).getString("id")));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);

    Api.Reply frankView =
        nodes.apiA.call(HttpMethod.GET, "/api/v1/conversations?limit=1", frankToken, null);
    assertThat(frankView.body().getJsonArray("items").getJsonObject(0).getLong("unread_count"))
        .as("frank has not read gina's message")
        .isEqualTo(1);
    assertThat(
            nodes
                .apiA
                .call(HttpMethod.GET, "/api/v1/conversations?cursor=garbage", frankToken, null)
                .status())
        .isEqualTo(400);
  }
}
