package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Dispatcher;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * presence.changed across two gateways and the presence node: co-members and the user's own
 * connections only; the grace period (shortened here) spares a quick reconnect; /users/online.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresenceIntegrationTests {
  /** Shorter than the 15 s default, so going offline is quick to see. */
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final Duration CROSS_NODE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestEnvironment env;
  private TwoNodes nodes;

  PresenceIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void startCluster() {
    nodes = TwoNodes.start(env, Map.of(
        "PARLEY_PRESENCE_OFFLINE_GRACE", GRACE.toMillis() + "ms",
        "PARLEY_PRESENCE_STATUS_MIN_INTERVAL", "0ms"));
  }

  @AfterAll
  void stopCluster() {
    nodes.close();
  }

  private WsClient onA(String token) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(0).port(), token);
  }

  private WsClient onB(String token) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(1).port(), token);
  }

  private static Predicate<JsonObject> presence(String userId, String status) {
    return f -> "presence.changed".equals(f.getString("type"))
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
    return new JsonObject().put("type", "presence.update").put("id", id).put("data", new JsonObject().put("status", status));
  }

  private static Predicate<JsonObject> replyTo(String id) {
    return f -> id.equals(f.getString("id"));
  }

  /** Tokens of new users; the first creates a group with the others when {@code grouped}. */
  private List<String> users(boolean grouped, String... ids) {
    List<String> tokens = Arrays.stream(ids).map(nodes.apiA::devToken).toList();
    if (grouped) {
      nodes.apiA.createGroup(tokens.get(0), "presence", List.of(ids).subList(1, ids.length));
    }
    return tokens;
  }

  private Api.Reply online(Api api, String token, String query) {
    return api.call(HttpMethod.GET, "/api/v1/users/online" + (query == null ? "" : "?" + query), token, null);
  }

  @Test
  void aChangeReachesCoMembersOnTheOtherNodeAndTheUsersOwnConnectionsNeverAStranger() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    List<String> t = users(true, alice, bob);
    String carolToken = users(false, carol).get(0);
    List<JsonObject> integrator = new CopyOnWriteArrayList<>();
    Dispatcher tap = env.natsConnection().createDispatcher(msg -> integrator.add(new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8))));
    tap.subscribe(env.nats().subjectPrefix() + ".presence." + alice);

    try (WsClient bobOnB = onB(t.get(1));
         WsClient carolOnA = onA(carolToken);
         WsClient carolOnB = onB(carolToken);
         WsClient aliceOnA = onA(t.get(0))) {
      JsonObject online = bobOnB.awaitOne(presence(alice, "online"), CROSS_NODE);
      assertThat(online.getJsonObject("data").fieldNames()).containsExactlyInAnyOrder("user_id", "status", "last_seen_at");

      try (WsClient aliceOnB = onB(t.get(0))) {
        aliceOnA.send(update("p1", "away"));
        JsonObject ack = aliceOnA.awaitOne(replyTo("p1"), WAIT);
        assertThat(ack.getString("type")).isEqualTo("ack");
        assertThat(ack.getJsonObject("data").getString("user_id")).isEqualTo(alice);
        assertThat(ack.getJsonObject("data").getString("status")).isEqualTo("away");

        JsonObject away = bobOnB.awaitOne(presence(alice, "away"), CROSS_NODE);
        assertThat(aliceOnB.awaitOne(presence(alice, "away"), CROSS_NODE)).as("the user's own other connection").isEqualTo(away);
        aliceOnA.awaitOne(presence(alice, "away"), CROSS_NODE);
        assertThat(Instant.parse(away.getJsonObject("data").getString("last_seen_at")))
            .isAfterOrEqualTo(Instant.parse(online.getJsonObject("data").getString("last_seen_at")));

        Await.until(() -> integrator.size() >= 2 ? integrator : null, System.nanoTime() + WAIT.toNanos(), integrator::toString);
        assertThat(integrator).containsExactly(online, away);
      }
      assertThat(statusesOf(bobOnB, alice)).containsExactly("online", "away");
      assertThat(statusesOf(carolOnA, alice)).as("a stranger hears nothing").isEmpty();
      assertThat(statusesOf(carolOnB, alice)).as("a stranger hears nothing").isEmpty();
    } finally {
      env.natsConnection().closeDispatcher(tap);
    }
  }

  @Test
  void aStatusOtherThanOnlineAwayOrBusyIsRefused() {
    String token = users(false, env.newId("dora")).get(0);
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
    String dan = env.newId("dan");
    String erin = env.newId("erin");
    String fay = env.newId("fay");
    List<String> t = users(true, dan, erin, fay);
    try (WsClient erinOnB = onB(t.get(1))) {
      WsClient first = onA(t.get(0));
      erinOnB.awaitOne(presence(dan, "online"), CROSS_NODE);
      first.send(update("b", "busy"));
      erinOnB.awaitOne(presence(dan, "busy"), CROSS_NODE);

      first.close();
      try (WsClient again = onA(t.get(0))) {
        // fay leaves after dan came back and stays away: by the time fay is announced offline, dan's
        // grace period (had it run on) would have ended, and dan would have been announced first
        WsClient fayWs = onB(t.get(2));
        erinOnB.awaitOne(presence(fay, "online"), CROSS_NODE);
        fayWs.close();
        erinOnB.awaitOne(presence(fay, "offline"), GRACE.plus(WAIT));

        assertThat(statusesOf(erinOnB, dan)).containsExactly("online", "busy");
        JsonArray items = online(nodes.apiB, t.get(1), "user_ids=" + dan).body().getJsonArray("items");
        assertThat(items).hasSize(1);
        assertThat(items.getJsonObject(0).getString("status")).as("the status survived the reconnect").isEqualTo("busy");
      }
    }
  }

  @Test
  void afterTheGracePeriodTheUserIsOfflineWithWhenTheyWereLastSeen() {
    String gus = env.newId("gus");
    String hal = env.newId("hal");
    List<String> t = users(true, gus, hal);
    try (WsClient halOnB = onB(t.get(1))) {
      WsClient gusOnA = onA(t.get(0));
      halOnB.awaitOne(presence(gus, "online"), CROSS_NODE);

      Instant beforeClose = Instant.now();
      long closing = System.nanoTime();
      gusOnA.close();
      Instant afterClose = Instant.now();
      JsonObject offline = halOnB.awaitOne(presence(gus, "offline"), GRACE.plus(WAIT));

      assertThat(Duration.ofNanos(System.nanoTime() - closing)).isGreaterThanOrEqualTo(GRACE);
      assertThat(Instant.parse(offline.getJsonObject("data").getString("last_seen_at")))
          .isBetween(beforeClose.minusMillis(100), afterClose.plusSeconds(1));
      assertThat(online(nodes.apiB, t.get(1), "user_ids=" + gus).body().getJsonArray("items")).isEmpty();
      assertThat(statusesOf(halOnB, gus)).containsExactly("online", "offline");
    }
  }

  @Test
  void usersOnlineListsOnlineCoMembersAndTheCallerButNeverAStrangerEvenWhenAskedById() {
    String ian = env.newId("ian");
    String jo = env.newId("jo");
    String kay = env.newId("kay");
    String lou = env.newId("lou");
    List<String> t = users(true, ian, jo, kay);
    String louToken = users(false, lou).get(0);
    try (WsClient ianOnA = onA(t.get(0)); WsClient joOnB = onB(t.get(1)); WsClient louOnA = onA(louToken)) {
      joOnB.send(update("j", "away"));
      assertThat(joOnB.awaitOne(replyTo("j"), WAIT).getString("type")).isEqualTo("ack");
      ianOnA.send(update("i", "busy"));
      assertThat(ianOnA.awaitOne(replyTo("i"), WAIT).getString("type")).isEqualTo("ack");
      louOnA.awaitOne(presence(lou, "online"), CROSS_NODE);

      Api.Reply all = online(nodes.apiA, t.get(0), null);
      assertThat(all.status()).isEqualTo(200);
      assertThat(all.body().getJsonArray("items")).containsExactly(
          entry(all, ian), entry(all, jo));
      assertThat(entry(all, ian).getString("status")).isEqualTo("busy");
      assertThat(entry(all, jo).getString("status")).isEqualTo("away");
      assertThat(entry(all, jo).getString("last_seen_at")).isNotBlank();

      assertThat(ids(online(nodes.apiB, t.get(0), "user_ids=" + lou + "," + jo))).containsExactly(jo);
      assertThat(ids(online(nodes.apiB, t.get(0), "user_ids=" + lou))).as("a stranger, online, asked by id").isEmpty();
      assertThat(ids(online(nodes.apiB, t.get(0), "user_ids=" + kay))).as("a co-member who is offline").isEmpty();
      assertThat(ids(online(nodes.apiB, t.get(0), "user_ids=" + ian))).containsExactly(ian);
      assertThat(ids(online(nodes.apiA, louToken, null))).as("the stranger sees only themself").containsExactly(lou);

      Api.Reply bad = online(nodes.apiA, t.get(0), "user_ids=a,b%20c");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
      assertThat(online(nodes.apiA, t.get(0), "user_ids=").status()).isEqualTo(400);
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
    return reply.body().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("user_id")).toList();
  }
}
