package dev.parley.presence;

import static dev.parley.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** presence.changed: online at once, offline only after the grace period, statuses, queries, several presence nodes. */
abstract class PresenceAnnouncementBehaviour extends PresenceFixture {
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private PresenceEvents events;

  PresenceAnnouncementBehaviour(TestEnvironment env, PresenceRedis target) {
    super(env, target);
  }

  @BeforeEach
  void setUp() {
    events = new PresenceEvents(env.natsConnection(), env.nats().subjects().presenceWildcard());
  }

  @AfterEach
  void tearDown() {
    events.close();
  }

  private PresenceNode startNode(Duration grace) {
    return nodes.start(
        Map.of(
            "PARLEY_PRESENCE_NODE_TTL", "60s",
            "PARLEY_PRESENCE_OFFLINE_GRACE", grace.toMillis() + "ms",
            "PARLEY_PRESENCE_STATUS_MIN_INTERVAL", "500ms"));
  }

  private FakeGateway gateway() {
    return gateway("gw");
  }

  private JsonObject request(String subject, byte[] body) {
    try {
      Message reply = env.natsConnection().request(subject, body, WAIT);
      assertThat(reply).as("a presence node answered " + subject).isNotNull();
      return PresenceRpc.reply(reply.getData());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private JsonObject setStatus(String userId, PresenceStatus status) {
    return request(
        env.nats().subjects().presenceStatusUpdates(),
        new PresenceRpc.StatusUpdate(userId, status).toBytes());
  }

  private List<PresenceState> query(String... userIds) {
    return PresenceRpc.QueryResult.fromJson(
            request(
                env.nats().subjects().presenceQueries(),
                new PresenceRpc.Query(List.of(userIds)).toBytes()))
        .online();
  }

  @Test
  void aUserComesOnlineOnceAndGoesOfflineOnlyAfterTheGracePeriod() {
    PresenceNode node = startNode(GRACE);
    FakeGateway gw = gateway();
    String alice = env.newId("alice");

    String first = gw.connect(alice);
    PresenceEvents.Received online = events.awaitOne(alice, PresenceStatus.ONLINE, WAIT);
    String second = gw.connect(alice);
    until(vertx, () -> node.query().connectionsByNode(alice), Map.of(gw.nodeId(), 2)::equals);

    gw.disconnect(alice, first);
    Instant beforeLast = Instant.now();
    gw.disconnect(alice, second);
    until(vertx, () -> node.query().isConnected(alice), connected -> !connected);
    Instant afterLast = Instant.now();

    PresenceEvents.Received offline = events.awaitOne(alice, PresenceStatus.OFFLINE, WAIT);
    assertThat(Duration.between(beforeLast, offline.at()))
        .as("offline only once the grace period has passed")
        .isGreaterThanOrEqualTo(GRACE);
    assertThat(offline.state().lastSeenAt())
        .as("last_seen_at: when the last connection closed")
        .isBetween(beforeLast.minusMillis(50), afterLast.plusMillis(50));
    assertThat(online.state().lastSeenAt()).isBefore(offline.state().lastSeenAt());
    assertThat(events.of(alice))
        .extracting(r -> r.state().status())
        .containsExactly(PresenceStatus.ONLINE, PresenceStatus.OFFLINE);
    assertThat(redis.exists(keys.state(alice))).as("the state goes with the user").isZero();
  }

  @Test
  void aReconnectWithinTheGracePeriodIsNoFlapAndKeepsTheStatus() {
    PresenceNode node = startNode(GRACE);
    FakeGateway gw = gateway();
    String bob = env.newId("bob");
    String marker = env.newId("marker");

    String c1 = gw.connect(bob);
    events.awaitOne(bob, PresenceStatus.ONLINE, WAIT);
    assertThat(setStatus(bob, PresenceStatus.AWAY).getBoolean("changed")).isTrue();
    events.awaitOne(bob, PresenceStatus.AWAY, WAIT);

    gw.disconnect(bob, c1);
    until(vertx, () -> node.query().isConnected(bob), connected -> !connected);
    gw.connect(bob);
    until(vertx, () -> node.query().isConnected(bob), connected -> connected);

    // A user who leaves after bob did and stays away: once they are announced offline, bob's
    // grace period (which ended earlier) would have been announced before them.
    String m = gw.connect(marker);
    events.awaitOne(marker, PresenceStatus.ONLINE, WAIT);
    gw.disconnect(marker, m);
    events.awaitOne(marker, PresenceStatus.OFFLINE, WAIT);

    assertThat(events.of(bob))
        .extracting(r -> r.state().status())
        .containsExactly(PresenceStatus.ONLINE, PresenceStatus.AWAY);
    assertThat(query(bob))
        .singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(PresenceStatus.AWAY));
  }

  @Test
  void statusChangesAreAnnouncedOnceAndTooFastAChangeIsRefused() {
    startNode(GRACE);
    FakeGateway gw = gateway();
    String carol = env.newId("carol");
    gw.connect(carol);
    events.awaitOne(carol, PresenceStatus.ONLINE, WAIT);

    JsonObject busy = setStatus(carol, PresenceStatus.BUSY);
    assertThat(busy.getBoolean("changed")).isTrue();
    assertThat(busy.getJsonObject("state").getString("status")).isEqualTo("busy");
    events.awaitOne(carol, PresenceStatus.BUSY, WAIT);

    JsonObject again = setStatus(carol, PresenceStatus.BUSY);
    assertThat(again.getBoolean("changed")).as("the same status again changes nothing").isFalse();

    JsonObject tooSoon = setStatus(carol, PresenceStatus.AWAY);
    assertThat(tooSoon.getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(tooSoon.getJsonObject("error").getLong("retry_after_ms")).isBetween(1L, 500L);

    JsonObject invalid =
        request(
            env.nats().subjects().presenceStatusUpdates(),
            new JsonObject().put("user_id", carol).put("status", "offline").toBuffer().getBytes());
    assertThat(invalid.getJsonObject("error").getString("code")).isEqualTo("invalid_argument");

    // once the interval has passed the change goes through
    until(
        vertx,
        () -> Future.succeededFuture(setStatus(carol, PresenceStatus.AWAY)),
        r -> !r.containsKey("error"));
    events.awaitOne(carol, PresenceStatus.AWAY, WAIT);
    assertThat(events.of(carol))
        .extracting(r -> r.state().status())
        .containsExactly(PresenceStatus.ONLINE, PresenceStatus.BUSY, PresenceStatus.AWAY);
  }

  @Test
  void aStatusSetBeforeTheConnectReportIsAnnouncedWhenTheUserComesOnline() {
    startNode(GRACE);
    FakeGateway gw = gateway();
    String erin = env.newId("erin");

    JsonObject early = setStatus(erin, PresenceStatus.BUSY);
    assertThat(early.getBoolean("changed")).isFalse();
    gw.connect(erin);

    assertThat(events.awaitOne(erin, PresenceStatus.BUSY, WAIT).state().userId()).isEqualTo(erin);
    assertThat(events.of(erin)).hasSize(1);
  }

  @Test
  void aQueryListsOnlyOnlineUsersTheGracePeriodIncluded() {
    PresenceNode node = startNode(Duration.ofSeconds(30));
    FakeGateway gw = gateway();
    String dave = env.newId("dave");
    String frank = env.newId("frank");
    String never = env.newId("never");
    gw.connect(dave);
    String f = gw.connect(frank);
    events.awaitOne(frank, PresenceStatus.ONLINE, WAIT);
    gw.disconnect(frank, f);
    until(vertx, () -> node.query().isConnected(frank), connected -> !connected);

    List<PresenceState> online = query(dave, frank, never, dave);

    assertThat(online).extracting(PresenceState::userId).containsExactlyInAnyOrder(dave, frank);
    assertThat(online).allSatisfy(s -> assertThat(s.status()).isEqualTo(PresenceStatus.ONLINE));
    assertThat(query(never)).isEmpty();
    JsonObject bad =
        request(env.nats().subjects().presenceQueries(), "{\"user_ids\":\"dave\"}".getBytes());
    assertThat(bad.getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
  }

  @Test
  void twoPresenceNodesAnnounceEveryChangeExactlyOnce() {
    startNode(GRACE);
    startNode(GRACE);
    FakeGateway gw = gateway();
    List<String> users = new ArrayList<>();
    Map<String, String> connections = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      String user = env.newId("u" + i);
      users.add(user);
      connections.put(user, gw.connect(user));
    }
    users.forEach(u -> events.awaitOne(u, PresenceStatus.ONLINE, WAIT));
    users.forEach(u -> gw.disconnect(u, connections.get(u)));
    users.forEach(u -> events.awaitOne(u, PresenceStatus.OFFLINE, WAIT));

    // a later user's offline announcement: whatever either node would still announce came before
    String marker = env.newId("marker");
    String m = gw.connect(marker);
    events.awaitOne(marker, PresenceStatus.ONLINE, WAIT);
    gw.disconnect(marker, m);
    events.awaitOne(marker, PresenceStatus.OFFLINE, WAIT);

    for (String u : users) {
      assertThat(events.of(u))
          .as(u)
          .extracting(r -> r.state().status())
          .containsExactly(PresenceStatus.ONLINE, PresenceStatus.OFFLINE);
    }
  }

  @Test
  void aGracePeriodOutlivesThePresenceNodeThatStartedIt() {
    PresenceNode first = startNode(Duration.ofSeconds(2));
    FakeGateway gw = gateway();
    String gina = env.newId("gina");
    String c = gw.connect(gina);
    events.awaitOne(gina, PresenceStatus.ONLINE, WAIT);
    gw.disconnect(gina, c);
    until(vertx, () -> first.query().isConnected(gina), connected -> !connected);
    assertThat(redis.exists(keys.away(gina))).as("her grace period runs").isOne();
    // the index follows the user's script (another slot)
    until(
        "gina indexed as pending offline",
        Await.DEFAULT,
        () -> redis.zscore(keys.pendingOffline(), gina) != null);

    nodes.stop(first);
    startNode(Duration.ofSeconds(2));

    assertThat(events.awaitOne(gina, PresenceStatus.OFFLINE, WAIT).state().userId())
        .isEqualTo(gina);
    assertThat(redis.zscore(keys.pendingOffline(), gina)).isNull();
    assertThat(redis.exists(keys.away(gina))).isZero();
  }

  @Test
  void usersWhoseGracePeriodCouldNotBeFinishedAreRetriedNotLost() {
    PresenceNode node = startNode(Duration.ofSeconds(2));
    FakeGateway gw = gateway();
    String hank = env.newId("hank");
    String iris = env.newId("iris");
    String ch = gw.connect(hank);
    String ci = gw.connect(iris);
    events.awaitOne(hank, PresenceStatus.ONLINE, WAIT);
    events.awaitOne(iris, PresenceStatus.ONLINE, WAIT);
    gw.disconnect(hank, ch);
    gw.disconnect(iris, ci);
    until(
        "hank and iris indexed as pending offline",
        Await.DEFAULT,
        () ->
            redis.zscore(keys.pendingOffline(), hank) != null
                && redis.zscore(keys.pendingOffline(), iris) != null);
    double deadline = redis.zscore(keys.pendingOffline(), hank);

    // Hank's away key of the wrong type: once his grace period ends, the script finishing it fails
    // in Redis (WRONGTYPE), after the claim took him out of the index.
    String away = redis.get(keys.away(hank));
    assertThat(away).as("his grace period still runs").isNotNull();
    redis.del(keys.away(hank));
    redis.hset(keys.away(hank), "deadline", away);

    until(
        "hank indexed again after the failed finish, due at once",
        Await.DEFAULT,
        () -> {
          Double score = redis.zscore(keys.pendingOffline(), hank);
          return score != null && score > deadline;
        });
    assertThat(events.of(hank, PresenceStatus.OFFLINE)).isEmpty();
    until(
        "the failure counted",
        Await.DEFAULT,
        () ->
            OpsClient.sample(
                    Await.result(new OpsClient(vertx).get(node.port(), "/metrics")).body(),
                    "parley_presence_redis_failures_total{op=\"finish-offline\"}")
                > 0);

    redis.del(keys.away(hank));
    redis.set(keys.away(hank), away);
    events.awaitOne(hank, PresenceStatus.OFFLINE, WAIT);
    events.awaitOne(iris, PresenceStatus.OFFLINE, WAIT);
    assertThat(events.of(hank, PresenceStatus.OFFLINE)).hasSize(1);
    assertThat(events.of(iris, PresenceStatus.OFFLINE)).hasSize(1);
    assertThat(redis.zscore(keys.pendingOffline(), hank)).isNull();
  }
}
