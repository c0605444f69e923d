package dev.parley.presence;

import static dev.parley.testing.Await.result;
import static dev.parley.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.TestEnvironment;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gateway nodes that stop heartbeating lose their connections after the node TTL. */
abstract class SweepBehaviour extends PresenceFixture {
  private static final Duration NODE_TTL = Duration.ofSeconds(1);

  private OpsClient ops;

  SweepBehaviour(TestEnvironment env, PresenceRedis target) {
    super(env, target);
  }

  @BeforeEach
  void setUp() {
    ops = new OpsClient(vertx);
  }

  private PresenceNode startNode() {
    return nodes.start(
        Map.of(
            "PARLEY_PRESENCE_NODE_TTL",
            NODE_TTL.toMillis() + "ms",
            "PARLEY_PRESENCE_SWEEP_INTERVAL",
            "200ms"));
  }

  /** The series summed over every presence node of the test. */
  private Future<Double> metric(String series) {
    List<Future<OpsClient.Reply>> scrapes =
        nodes.running().stream().map(n -> ops.get(n.port(), "/metrics")).toList();
    return Future.all(scrapes)
        .map(
            all ->
                scrapes.stream()
                    .mapToDouble(scrape -> OpsClient.sample(scrape.result().body(), series))
                    .sum());
  }

  @Test
  void aNodeWhoseHeartbeatsStopIsSweptAfterItsTtl() {
    PresenceNode node = startNode();
    FakeGateway dying = gateway("dying");
    FakeGateway alive = gateway("alive");
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    long aliveHeartbeats = alive.heartbeatEvery(vertx, Duration.ofMillis(250), Map.of(alice, 1));
    try {
      long lastHeartbeat = System.nanoTime();
      dying.heartbeat(Map.of(alice, 2, bob, 1));

      // Three connections swept: the heartbeat was applied, then its node expired.
      until(vertx, () -> metric("parley_presence_connections_swept_total"), swept -> swept == 3);
      Duration tookToSweep = Duration.ofNanos(System.nanoTime() - lastHeartbeat);

      assertThat(tookToSweep).isGreaterThanOrEqualTo(NODE_TTL);
      assertThat(result(metric("parley_presence_nodes_swept_total"))).isEqualTo(1);
      assertThat(result(node.query().connectionsByNode(alice)))
          .isEqualTo(Map.of(alive.nodeId(), 1));
      assertThat(result(node.query().isConnected(bob))).isFalse();
      assertThat(redis.smembers(keys.nodes())).containsExactly(alive.nodeId());
      assertThat(redis.exists(keys.nodeUsers(dying.nodeId()), keys.node(dying.nodeId()))).isZero();
    } finally {
      vertx.cancelTimer(aliveHeartbeats);
    }
  }

  @Test
  void aNodeKnownOnlyFromReportsIsSweptToo() {
    PresenceNode node = startNode();
    FakeGateway gw = gateway("reports-only");
    String carol = env.newId("carol");

    gw.connect(carol);
    gw.connect(carol);

    // Two connections swept: both reports were applied, then the node expired.
    until(vertx, () -> metric("parley_presence_connections_swept_total"), swept -> swept == 2);
    assertThat(result(node.query().isConnected(carol))).isFalse();
    assertThat(redis.sismember(keys.nodes(), gw.nodeId())).isFalse();
  }

  @Test
  void twoPresenceNodesSweepADeadNodeOnlyOnce() {
    PresenceNode first = startNode();
    startNode();
    FakeGateway dying = gateway("dying");
    String dave = env.newId("dave");
    String erin = env.newId("erin");

    dying.heartbeat(Map.of(dave, 2, erin, 3));

    until(vertx, () -> metric("parley_presence_connections_swept_total"), swept -> swept == 5);
    assertThat(result(metric("parley_presence_nodes_swept_total"))).isEqualTo(1);
    assertThat(result(first.query().isConnected(dave))).isFalse();
    assertThat(result(first.query().isConnected(erin))).isFalse();
    assertThat(redis.scard(keys.nodes())).isZero();
  }
}
