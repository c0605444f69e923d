package dev.parley.presence;

import static dev.parley.testing.Await.result;
import static dev.parley.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.presence.PresenceStatus;
import dev.parley.presence.query.PresenceQuery;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reports and heartbeats from gateways, through real NATS, into real Redis. */
abstract class PresenceTrackingBehaviour extends PresenceFixture {
  private static final Duration SHORT_GRACE = Duration.ofSeconds(1);
  private PresenceNode node;
  private PresenceQuery query;
  private OpsClient ops;

  PresenceTrackingBehaviour(TestEnvironment env, PresenceRedis target) {
    super(env, target);
  }

  @BeforeEach
  void startNode() {
    // A long node TTL: nothing here should be swept while a test runs.
    node = nodes.start(Map.of("PARLEY_PRESENCE_NODE_TTL", "60s"));
    query = node.query();
    ops = new OpsClient(vertx);
  }

  private Map<String, Integer> connectionsOnceEqual(String userId, Map<String, Integer> expected) {
    return until(vertx, () -> query.connectionsByNode(userId), expected::equals);
  }

  @Test
  void connectAndDisconnectReportsUpdateTheUsersCounts() {
    FakeGateway gw = gateway("gw");
    String alice = env.newId("alice");

    String first = gw.connect(alice);
    String second = gw.connect(alice);
    connectionsOnceEqual(alice, Map.of(gw.nodeId(), 2));
    assertThat(result(query.isConnected(alice))).isTrue();

    gw.disconnect(alice, first);
    connectionsOnceEqual(alice, Map.of(gw.nodeId(), 1));

    gw.disconnect(alice, second);
    connectionsOnceEqual(alice, Map.of());
    assertThat(result(query.isConnected(alice))).isFalse();
    assertThat(redis.exists(keys.connections(alice))).isZero();
    // the node's side follows the user's script (another slot), so it is awaited too
    until(
        "alice leaves the node's users",
        Await.DEFAULT,
        () -> !redis.smembers(keys.nodeUsers(gw.nodeId())).contains(alice));
    assertThat(result(query.lastSeen(alice)))
        .hasValueSatisfying(
            seen ->
                assertThat(seen)
                    .isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1)));
  }

  @Test
  void aDisconnectWithoutConnectNeverLeavesANegativeCount() {
    FakeGateway gw = gateway("gw");
    String bob = env.newId("bob");

    gw.disconnect(bob, "unknown-connection");
    String c = gw.connect(bob);

    connectionsOnceEqual(bob, Map.of(gw.nodeId(), 1));
    gw.disconnect(bob, c);
    connectionsOnceEqual(bob, Map.of());
  }

  @Test
  void writesKeepTheLayoutAndTheirTtls() {
    FakeGateway gw = gateway("gw");
    String carol = env.newId("carol");

    gw.connect(carol);
    connectionsOnceEqual(carol, Map.of(gw.nodeId(), 1));
    // the node's side and the set of nodes follow the user's script (other slots)
    until(
        "the node's keys know carol",
        Await.DEFAULT,
        () ->
            redis.sismember(keys.nodes(), gw.nodeId())
                && redis.sismember(keys.nodeUsers(gw.nodeId()), carol));

    assertThat(redis.sismember(keys.nodes(), gw.nodeId())).isTrue();
    assertThat(redis.smembers(keys.nodeUsers(gw.nodeId()))).containsExactly(carol);
    assertThat(redis.pttl(keys.node(gw.nodeId()))).isBetween(1L, 60_000L);
    assertThat(redis.pttl(keys.connections(carol))).isBetween(60_001L, 120_000L);
    assertThat(Long.parseLong(redis.get(keys.lastSeen(carol)))).isPositive();
  }

  @Test
  void aHeartbeatReplacesThatNodesCounts() {
    FakeGateway gw = gateway("gw");
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    gw.connect(alice);
    gw.connect(alice);
    gw.connect(alice);
    gw.connect(bob);
    connectionsOnceEqual(bob, Map.of(gw.nodeId(), 1));

    // The gateway's truth: alice has one connection (two disconnect reports were lost), bob none,
    // carol two (her connect reports were lost).
    gw.heartbeat(Map.of(alice, 1, carol, 2));

    // users in other slots (on a cluster) are updated by separate scripts: each is awaited
    connectionsOnceEqual(carol, Map.of(gw.nodeId(), 2));
    connectionsOnceEqual(alice, Map.of(gw.nodeId(), 1));
    connectionsOnceEqual(bob, Map.of());
    assertThat(result(query.isConnected(bob))).isFalse();
    assertThat(redis.smembers(keys.nodeUsers(gw.nodeId()))).containsExactlyInAnyOrder(alice, carol);
    assertThat(Long.parseLong(redis.get(keys.node(gw.nodeId())))).isPositive();
  }

  @Test
  void aHeartbeatOnlyReplacesItsOwnNode() {
    FakeGateway east = gateway("east");
    FakeGateway west = gateway("west");
    String dave = env.newId("dave");
    east.connect(dave);
    west.connect(dave);
    connectionsOnceEqual(dave, Map.of(east.nodeId(), 1, west.nodeId(), 1));

    east.heartbeat(Map.of());

    connectionsOnceEqual(dave, Map.of(west.nodeId(), 1));
    assertThat(result(query.isConnected(dave))).isTrue();
  }

  @Test
  void countsOfTwoGatewayNodesAddUp() {
    FakeGateway east = gateway("east");
    FakeGateway west = gateway("west");
    String erin = env.newId("erin");

    String e1 = east.connect(erin);
    String e2 = east.connect(erin);
    west.connect(erin);
    connectionsOnceEqual(erin, Map.of(east.nodeId(), 2, west.nodeId(), 1));

    east.disconnect(erin, e1);
    east.disconnect(erin, e2);
    connectionsOnceEqual(erin, Map.of(west.nodeId(), 1));
    assertThat(result(query.isConnected(erin))).isTrue();
  }

  @Test
  void aHeartbeatOlderThanTheLastAppliedIsSkipped() {
    FakeGateway gw = gateway("gw");
    String frank = env.newId("frank");
    String grace = env.newId("grace");
    Instant now = Instant.now();

    gw.heartbeat(now, Map.of(frank, 2));
    gw.heartbeat(now.minusSeconds(2), Map.of(frank, 5));
    gw.heartbeat(now.plusMillis(1), Map.of(frank, 2, grace, 1));

    connectionsOnceEqual(grace, Map.of(gw.nodeId(), 1));
    assertThat(result(query.connectionsByNode(frank))).isEqualTo(Map.of(gw.nodeId(), 2));
    String metrics = result(ops.get(node.port(), "/metrics")).body();
    assertThat(OpsClient.sample(metrics, "parley_presence_heartbeats_stale_total")).isEqualTo(1);
    assertThat(OpsClient.sample(metrics, "parley_presence_heartbeats_applied_total")).isEqualTo(2);
  }

  /**
   * A node like the one each test starts, with a short grace period and presence.changed recorded:
   * for the tests that follow a user all the way to offline. Returns it with the events.
   */
  private PresenceEvents withShortGrace() {
    nodes.stop(node);
    node =
        nodes.start(
            Map.of(
                "PARLEY_PRESENCE_NODE_TTL",
                "60s",
                "PARLEY_PRESENCE_OFFLINE_GRACE",
                SHORT_GRACE.toMillis() + "ms"));
    query = node.query();
    return new PresenceEvents(env.natsConnection(), env.nats().subjects().presenceWildcard());
  }

  /** Waits until this test's node has applied {@code count} heartbeats (none skipped as stale). */
  private void heartbeatsApplied(int count) {
    until(
        "the presence node applied " + count + " heartbeats",
        Await.DEFAULT,
        () -> {
          String metrics = result(ops.get(node.port(), "/metrics")).body();
          assertThat(OpsClient.sample(metrics, "parley_presence_heartbeats_stale_total")).isZero();
          return OpsClient.sample(metrics, "parley_presence_heartbeats_applied_total") == count;
        });
  }

  // A gateway gathers a heartbeat's counts asynchronously, so a heartbeat whose counts were taken
  // before a connection closed can arrive (or be applied) after that disconnect's report.
  @Test
  void aHeartbeatOlderThanADisconnectReportDoesNotBringTheUserBack() {
    try (PresenceEvents events = withShortGrace()) {
      FakeGateway gw = gateway("gw");
      String carol = env.newId("carol");
      Instant t0 = Instant.now();

      String c = gw.connect(t0, carol);
      events.awaitOne(carol, PresenceStatus.ONLINE, Await.DEFAULT);
      gw.heartbeat(t0.plusMillis(100), Map.of(carol, 1));
      heartbeatsApplied(1);

      gw.disconnect(t0.plusMillis(300), carol, c);
      connectionsOnceEqual(carol, Map.of());
      Instant disconnected = Instant.now();
      // counts taken before the disconnect, published (or applied) after it
      gw.heartbeat(t0.plusMillis(200), Map.of(carol, 1));
      heartbeatsApplied(2);

      assertThat(result(query.connectionsByNode(carol))).isEmpty();
      assertThat(redis.exists(keys.away(carol))).as("her grace period still runs").isOne();
      PresenceEvents.Received offline =
          events.awaitOne(carol, PresenceStatus.OFFLINE, Duration.ofSeconds(10));
      assertThat(Duration.between(disconnected, offline.at()))
          .as("offline one grace period after the disconnect, not after another heartbeat")
          .isLessThan(SHORT_GRACE.plusSeconds(5));
      assertThat(events.of(carol))
          .extracting(r -> r.state().status())
          .containsExactly(PresenceStatus.ONLINE, PresenceStatus.OFFLINE);
    }
  }

  @Test
  void aHeartbeatOlderThanAConnectReportDoesNotRemoveTheConnection() {
    FakeGateway gw = gateway("gw");
    String dan = env.newId("dan");
    String erin = env.newId("erin");
    Instant t0 = Instant.now();

    gw.heartbeat(t0, Map.of(erin, 1));
    connectionsOnceEqual(erin, Map.of(gw.nodeId(), 1));
    heartbeatsApplied(1);
    gw.connect(t0.plusMillis(300), dan);
    connectionsOnceEqual(dan, Map.of(gw.nodeId(), 1));
    // counts taken before dan connected: he is not listed
    gw.heartbeat(t0.plusMillis(200), Map.of(erin, 1));
    heartbeatsApplied(2);

    assertThat(result(query.connectionsByNode(dan))).isEqualTo(Map.of(gw.nodeId(), 1));
    assertThat(redis.exists(keys.away(dan))).isZero();
    // the node's set still holds him, so a sweep of the node would find his connection
    until(
        "dan stays among the node's users",
        Await.DEFAULT,
        () -> redis.smembers(keys.nodeUsers(gw.nodeId())).containsAll(List.of(dan, erin)));
  }

  @Test
  void aHeartbeatNewerThanTheLastReportIsStillApplied() {
    FakeGateway gw = gateway("gw");
    String gus = env.newId("gus");
    Instant t0 = Instant.now();

    String c = gw.connect(t0, gus);
    connectionsOnceEqual(gus, Map.of(gw.nodeId(), 1));
    gw.heartbeat(t0.plusMillis(100), Map.of(gus, 1));
    heartbeatsApplied(1);
    gw.disconnect(t0.plusMillis(200), gus, c);
    connectionsOnceEqual(gus, Map.of());

    // the gateway's truth after the report: two connections (their connect reports were lost)
    gw.heartbeat(t0.plusMillis(300), Map.of(gus, 2));
    connectionsOnceEqual(gus, Map.of(gw.nodeId(), 2));
    assertThat(redis.exists(keys.away(gus))).isZero();

    // and a newer heartbeat that no longer lists him removes his connections (a lost disconnect)
    gw.heartbeat(t0.plusMillis(400), Map.of());
    connectionsOnceEqual(gus, Map.of());
    assertThat(redis.exists(keys.away(gus))).isOne();
  }

  @Test
  void anUnreadableMessageIsCountedAndTheNextOneStillApplies() {
    FakeGateway gw = gateway("gw");
    String heidi = env.newId("heidi");

    gw.publishRaw(env.nats().subjects().presenceReports(), "{\"node_id\":\"x\"");
    gw.publishRaw(
        env.nats().subjects().presenceHeartbeats(),
        "{\"node_id\":\"x\",\"at\":\"now\",\"connections\":{}}");
    gw.connect(heidi);

    connectionsOnceEqual(heidi, Map.of(gw.nodeId(), 1));
    String metrics = result(ops.get(node.port(), "/metrics")).body();
    assertThat(OpsClient.sample(metrics, "parley_presence_messages_invalid_total{kind=\"report\"}"))
        .isEqualTo(1);
    assertThat(
            OpsClient.sample(metrics, "parley_presence_messages_invalid_total{kind=\"heartbeat\"}"))
        .isEqualTo(1);
    assertThat(OpsClient.sample(metrics, "parley_presence_reports_total{event=\"connect\"}"))
        .isEqualTo(1);
  }

  @Test
  void opsEndpointsReportHealthReadinessAndMetrics() {
    assertThat(result(ops.get(node.port(), "/health")).status()).isEqualTo(200);
    OpsClient.Reply ready = result(ops.get(node.port(), "/ready"));
    assertThat(ready.status()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks"))
        .isEqualTo(new JsonObject().put("nats", "ok").put("redis", "ok"));
    String metrics = result(ops.get(node.port(), "/metrics")).body();
    assertThat(metrics)
        .contains("parley_presence_reports_total")
        .contains("parley_presence_heartbeats_applied_total")
        .contains("parley_presence_nodes_swept_total")
        .contains("parley_presence_connections_swept_total");
  }

  @Test
  void deploymentsWithDifferentKeyPrefixesDoNotSeeEachOther() {
    String otherPrefix = env.redis().keyPrefix() + "-other";
    String otherSubjects = env.nats().subjectPrefix() + "other";
    PresenceNode other =
        nodes.start(
            Map.of(
                "PARLEY_SUBJECT_PREFIX", otherSubjects,
                "PARLEY_REDIS_KEY_PREFIX", otherPrefix));
    FakeGateway here = gateway("here");
    FakeGateway there =
        new FakeGateway(env.natsConnection(), other.config().nats().subjects(), env.newId("there"));
    String ivan = env.newId("ivan");

    here.connect(ivan);
    there.connect(ivan);
    there.connect(ivan);

    connectionsOnceEqual(ivan, Map.of(here.nodeId(), 1));
    until(vertx, () -> other.query().connectionsByNode(ivan), Map.of(there.nodeId(), 2)::equals);
    assertThat(redis.hgetall(new PresenceKeys(otherPrefix).connections(ivan)))
        .isEqualTo(Map.of(there.nodeId(), "2"));
    assertThat(redis.hgetall(keys.connections(ivan))).isEqualTo(Map.of(here.nodeId(), "1"));
    assertThat(redis.sismember(keys.nodes(), there.nodeId())).isFalse();
  }
}
