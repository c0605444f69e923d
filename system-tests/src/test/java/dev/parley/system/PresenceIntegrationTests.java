package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Dispatcher;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * presence.changed across two gateways and the presence node: co-members and the user's own
 * connections only; the grace period (shortened here) spares a quick reconnect; /users/online.
 */
class PresenceIntegrationTests extends OnTwoNodes {
  /** Shorter than the 15 s default, so going offline is quick to see. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private static final Duration CROSS_NODE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(10);

  PresenceIntegrationTests(TestEnvironment env) {
    super(
        env,
        Map.of(
            "PARLEY_PRESENCE_OFFLINE_GRACE",
            GRACE.toMillis() + "ms",
            "PARLEY_PRESENCE_STATUS_MIN_INTERVAL",
            "0ms",
            "PARLEY_PRESENCE_FANOUT_MAX_MEMBERS",
            String.valueOf(FANOUT_MAX_MEMBERS)));
  }

  /** Groups of the other tests have at most 3 members; past it, a group carries no presence. */
  private static final int FANOUT_MAX_MEMBERS = 3;

  private static Predicate<JsonObject> presence(String userId, String status) {
    return f ->
        "presence.changed".equals(f.getString("type"))
            && userId.equals(f.getJsonObject("data").getString("user_id"))
            && status.equals(f.getJsonObject("data").getString("status"));
  }

  private static List<String> statusesOf(WsClient ws, String userId) {
    return ws.framesOfType("presence.changed").stream()
        .filter(f -> userId.equals(f.getJsonObject("data").getString("user_id")))
        .map(f -> f.getJsonObject("data").getString("status"))
        .toList();
  }

  private static JsonObject update(String id, Object status) {
    return new JsonObject()
        .put("type", "presence.update")
        .put("id", id)
        .put("data", new JsonObject().put("status", status));
  }

  private static Predicate<JsonObject> replyTo(String id) {
    return f -> id.equals(f.getString("id"));
  }

  private Api.Reply online(Api api, String token, String query) {
    return api.call(
        HttpMethod.GET, "/api/v1/users/online" + (query == null ? "" : "?" + query), token, null);
  }

  @Test
  void aChangeReachesCoMembersOnTheOtherNodeAndTheUsersOwnConnectionsNeverAStranger() {
    Cast c = cast("presence");
    List<JsonObject> integrator = new CopyOnWriteArrayList<>();
    Dispatcher tap =
        env.natsConnection()
            .createDispatcher(
                msg ->
                    integrator.add(
                        new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8))));
    tap.subscribe(env.nats().subjectPrefix() + ".presence." + c.alice());

    try (WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnA = onA(c.carolToken());
        WsClient carolOnB = onB(c.carolToken());
        WsClient aliceOnA = onA(c.aliceToken())) {
      JsonObject online = bobOnB.awaitOne(presence(c.alice(), "online"), CROSS_NODE);
      assertThat(online.getJsonObject("data").fieldNames())
          .containsExactlyInAnyOrder("user_id", "status", "last_seen_at");

      try (WsClient aliceOnB = onB(c.aliceToken())) {
        aliceOnA.send(update("p1", "away"));
        JsonObject ack = aliceOnA.awaitOne(replyTo("p1"), WAIT);
        assertThat(ack.getString("type")).isEqualTo("ack");
        assertThat(ack.getJsonObject("data").getString("user_id")).isEqualTo(c.alice());
        assertThat(ack.getJsonObject("data").getString("status")).isEqualTo("away");

        JsonObject away = bobOnB.awaitOne(presence(c.alice(), "away"), CROSS_NODE);
        assertThat(aliceOnB.awaitOne(presence(c.alice(), "away"), CROSS_NODE))
            .as("the user's own other connection")
            .isEqualTo(away);
        aliceOnA.awaitOne(presence(c.alice(), "away"), CROSS_NODE);
        assertThat(Instant.parse(away.getJsonObject("data").getString("last_seen_at")))
            .isAfterOrEqualTo(
                Instant.parse(online.getJsonObject("data").getString("last_seen_at")));

        Await.until(
            () -> integrator.size() >= 2 ? integrator : null,
            System.nanoTime() + WAIT.toNanos(),
            integrator::toString);
        assertThat(integrator).containsExactly(online, away);
      }
      assertThat(statusesOf(bobOnB, c.alice())).containsExactly("online", "away");
      assertThat(statusesOf(carolOnA, c.alice())).as("a stranger hears nothing").isEmpty();
      assertThat(statusesOf(carolOnB, c.alice())).as("a stranger hears nothing").isEmpty();
    } finally {
      env.natsConnection().closeDispatcher(tap);
    }
  }

  @Test
  void aGroupPastTheFanoutLimitCarriesNoPresenceButItsMembersMayAskById() {
    Cast c = cast("presence-small"); // alice and bob: within the limit
    String dave = env.newId("dave");
    String erin = env.newId("erin");
    nodes.apiA.devToken(dave);
    nodes.apiA.devToken(erin);
    nodes.apiA.createGroup(c.aliceToken(), "presence-big", List.of(c.carol(), dave, erin));

    try (WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnB = onB(c.carolToken());
        WsClient aliceOnA = onA(c.aliceToken())) {
      bobOnB.awaitOne(presence(c.alice(), "online"), CROSS_NODE);
      // gateway B wrote that change to every connection it was for in one go: carol, in the
      // 4-member group only, would have had it by now
      assertThat(statusesOf(carolOnB, c.alice()))
          .as("a member of a group past the limit only")
          .isEmpty();
      JsonArray items =
          online(nodes.apiB, c.carolToken(), "user_ids=" + c.alice()).body().getJsonArray("items");
      assertThat(items).hasSize(1);
      assertThat(items.getJsonObject(0).getString("status")).isEqualTo("online");
    }
  }

  @Test
  void aStatusOtherThanOnlineAwayOrBusyIsRefused() {
    String token = nodes.apiA.devToken(env.newId("dora"));
    try (WsClient ws = onA(token)) {
      int n = 0;
      for (Object bad : new Object[] {"offline", "sleeping", "AWAY", 1, null}) {
        String id = "bad" + n++;
        ws.send(update(id, bad));
        JsonObject reply = ws.awaitOne(replyTo(id), WAIT);
        assertThat(reply.getString("type")).as("status " + bad).isEqualTo("error");
        assertThat(reply.getJsonObject("data").getString("code")).isEqualTo("invalid_argument");
      }
      ws.send(update("ok", "busy"));
      assertThat(ws.awaitOne(replyTo("ok"), WAIT).getString("type")).isEqualTo("ack");
      assertThat(ws.closeCode()).isNull();
    }
  }

  @Test
  void aQuickReconnectIsNoFlapAndKeepsTheStatus() {
    Cast c = castWithCarol("presence");
    try (WsClient bobOnB = onB(c.bobToken())) {
      WsClient first = onA(c.aliceToken());
      bobOnB.awaitOne(presence(c.alice(), "online"), CROSS_NODE);
      first.send(update("b", "busy"));
      bobOnB.awaitOne(presence(c.alice(), "busy"), CROSS_NODE);

      first.close();
      try (WsClient again = onA(c.aliceToken())) {
        // carol leaves after alice came back and stays away: by the time carol is announced
        // offline,
        // alice's grace period (had it run on) would have ended, and alice would have been
        // announced first
        WsClient carolOnB = onB(c.carolToken());
        bobOnB.awaitOne(presence(c.carol(), "online"), CROSS_NODE);
        carolOnB.close();
        bobOnB.awaitOne(presence(c.carol(), "offline"), GRACE.plus(WAIT));

        assertThat(statusesOf(bobOnB, c.alice())).containsExactly("online", "busy");
        JsonArray items =
            online(nodes.apiB, c.bobToken(), "user_ids=" + c.alice()).body().getJsonArray("items");
        assertThat(items).hasSize(1);
        assertThat(items.getJsonObject(0).getString("status"))
            .as("the status survived the reconnect")
            .isEqualTo("busy");
      }
    }
  }

  @Test
  void afterTheGracePeriodTheUserIsOfflineWithWhenTheyWereLastSeen() {
    Cast c = cast("presence");
    try (WsClient bobOnB = onB(c.bobToken())) {
      WsClient aliceOnA = onA(c.aliceToken());
      bobOnB.awaitOne(presence(c.alice(), "online"), CROSS_NODE);

      Instant beforeClose = Instant.now();
      long closing = System.nanoTime();
      aliceOnA.close();
      Instant afterClose = Instant.now();
      JsonObject offline = bobOnB.awaitOne(presence(c.alice(), "offline"), GRACE.plus(WAIT));

      assertThat(Duration.ofNanos(System.nanoTime() - closing)).isGreaterThanOrEqualTo(GRACE);
      assertThat(Instant.parse(offline.getJsonObject("data").getString("last_seen_at")))
          .isBetween(beforeClose.minusMillis(100), afterClose.plusSeconds(1));
      assertThat(
              online(nodes.apiB, c.bobToken(), "user_ids=" + c.alice())
                  .body()
                  .getJsonArray("items"))
          .isEmpty();
      assertThat(statusesOf(bobOnB, c.alice())).containsExactly("online", "offline");
    }
  }

  @Test
  void usersOnlineListsOnlineCoMembersAndTheCallerButNeverAStrangerEvenWhenAskedById() {
    Cast c = castWithCarol("presence");
    String lou = env.newId("lou");
    String louToken = nodes.apiA.devToken(lou);
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient bobOnB = onB(c.bobToken());
        WsClient louOnA = onA(louToken)) {
      bobOnB.send(update("j", "away"));
      assertThat(bobOnB.awaitOne(replyTo("j"), WAIT).getString("type")).isEqualTo("ack");
      aliceOnA.send(update("i", "busy"));
      assertThat(aliceOnA.awaitOne(replyTo("i"), WAIT).getString("type")).isEqualTo("ack");
      louOnA.awaitOne(presence(lou, "online"), CROSS_NODE);

      Api.Reply all = online(nodes.apiA, c.aliceToken(), null);
      assertThat(all.status()).isEqualTo(200);
      assertThat(all.body().getJsonArray("items"))
          .containsExactly(entry(all, c.alice()), entry(all, c.bob()));
      assertThat(entry(all, c.alice()).getString("status")).isEqualTo("busy");
      assertThat(entry(all, c.bob()).getString("status")).isEqualTo("away");
      assertThat(entry(all, c.bob()).getString("last_seen_at")).isNotBlank();

      assertThat(ids(online(nodes.apiB, c.aliceToken(), "user_ids=" + lou + "," + c.bob())))
          .containsExactly(c.bob());
      assertThat(ids(online(nodes.apiB, c.aliceToken(), "user_ids=" + lou)))
          .as("a stranger, online, asked by id")
          .isEmpty();
      assertThat(ids(online(nodes.apiB, c.aliceToken(), "user_ids=" + c.carol())))
          .as("a co-member who is offline")
          .isEmpty();
      assertThat(ids(online(nodes.apiB, c.aliceToken(), "user_ids=" + c.alice())))
          .containsExactly(c.alice());
      assertThat(ids(online(nodes.apiA, louToken, null)))
          .as("the stranger sees only themself")
          .containsExactly(lou);

      Api.Reply bad = online(nodes.apiA, c.aliceToken(), "user_ids=a,b%20c");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
      assertThat(online(nodes.apiA, c.aliceToken(), "user_ids=").status()).isEqualTo(400);
      assertThat(online(nodes.apiA, null, null).status()).isEqualTo(401);
    }
  }

  private static JsonObject entry(Api.Reply reply, String userId) {
    JsonArray items = reply.body().getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      if (userId.equals(items.getJsonObject(i).getString("user_id"))) {
        return items.getJsonObject(i);
      }
    }
    throw new AssertionError(userId + " not listed in " + items);
  }

  private static List<String> ids(Api.Reply reply) {
    assertThat(reply.status()).isEqualTo(200);
    return reply.body().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("user_id"))
        .toList();
  }
}
