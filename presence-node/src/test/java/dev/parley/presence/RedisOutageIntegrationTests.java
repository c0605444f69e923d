package dev.parley.presence;

import static dev.parley.testing.Await.result;
import static dev.parley.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.lettuce.core.RedisURI;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Redis unreachable (through a proxy that can be cut): the node stays up, not ready, and heals. */
@Tag("integration")
@ExtendWith(ParleyExtension.class)
class RedisOutageIntegrationTests {
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  private final TestEnvironment env;
  private PresenceNodes nodes;
  private Vertx vertx;
  private TcpProxy proxy;
  private OpsClient ops;
  private PresenceNode node;

  RedisOutageIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeEach
  void setUp() {
    nodes = new PresenceNodes(env, Map.of());
    vertx = nodes.vertx();
    ops = new OpsClient(vertx);
    RedisURI redis = RedisURI.create(env.redis().url());
    proxy = result(TcpProxy.start(vertx, redis.getHost(), redis.getPort()));
  }

  @AfterEach
  void tearDown() {
    nodes.stopAll();
    result(proxy.close());
    nodes.close();
  }

  private PresenceNode startNode() {
    return nodes.start(
        Map.of(
            "PARLEY_REDIS_URL", "redis://" + proxy.host() + ":" + proxy.port(),
            "PARLEY_PRESENCE_REDIS_TIMEOUT", "500ms",
            "PARLEY_PRESENCE_NODE_TTL", "60s"));
  }

  private FakeGateway gateway(String hint) {
    return nodes.gateway(hint);
  }

  private OpsClient.Reply ready() {
    return result(ops.get(node.port(), "/ready"));
  }

  @Test
  void whileRedisIsDownTheNodeKeepsRunningNotReadyAndTheNextHeartbeatHeals() {
    node = startNode();
    FakeGateway gw = gateway("gw");
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    gw.connect(alice);
    until(vertx, () -> node.query().connectionsByNode(alice), Map.of(gw.nodeId(), 1)::equals);

    result(proxy.cut());
    until(vertx, () -> ops.get(node.port(), "/ready"), reply -> reply.status() == 503);
    assertThat(new JsonObject(ready().body()).getJsonObject("checks").getString("redis"))
        .isNotEqualTo("ok");
    assertThat(result(ops.get(node.port(), "/health")).status()).isEqualTo(200);

    gw.connect(bob);
    until(
        vertx,
        () -> ops.get(node.port(), "/metrics"),
        reply ->
            OpsClient.sample(reply.body(), "parley_presence_reports_total{event=\"connect\"}")
                == 2);
    assertThat(result(ops.get(node.port(), "/metrics")).body())
        .contains("parley_presence_redis_failures_total");

    proxy.restore();
    long heartbeats = gw.heartbeatEvery(vertx, Duration.ofMillis(200), Map.of(alice, 1, bob, 1));
    try {
      until(
          vertx,
          RECOVERY,
          () -> node.query().connectionsByNode(bob),
          Map.of(gw.nodeId(), 1)::equals);
      until(vertx, RECOVERY, () -> ops.get(node.port(), "/ready"), reply -> reply.status() == 200);
    } finally {
      vertx.cancelTimer(heartbeats);
    }
  }

  @Test
  void aNodeStartsWhileRedisIsDownAndConnectsOnceItIsBack() {
    result(proxy.cut());

    node = startNode();

    assertThat(ready().status()).isEqualTo(503);
    proxy.restore();
    until(vertx, RECOVERY, () -> ops.get(node.port(), "/ready"), reply -> reply.status() == 200);
    FakeGateway gw = gateway("gw");
    String carol = env.newId("carol");
    gw.connect(carol);
    until(vertx, () -> node.query().isConnected(carol), online -> online);
  }

  @Test
  void whileRedisIsDownQueriesAndStatusUpdatesAnswerUnavailable() throws Exception {
    node = startNode();
    until(vertx, () -> ops.get(node.port(), "/ready"), reply -> reply.status() == 200);
    result(proxy.cut());
    until(vertx, () -> ops.get(node.port(), "/ready"), reply -> reply.status() == 503);

    var subjects = env.nats().subjects();
    var query =
        env.natsConnection()
            .request(
                subjects.presenceQueries(),
                new PresenceRpc.Query(List.of("alice")).toBytes(),
                Duration.ofSeconds(10));
    var status =
        env.natsConnection()
            .request(
                subjects.presenceStatusUpdates(),
                new PresenceRpc.StatusUpdate("alice", PresenceStatus.AWAY).toBytes(),
                Duration.ofSeconds(10));

    assertThat(PresenceRpc.Failure.of(PresenceRpc.reply(query.getData())).code())
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(PresenceRpc.Failure.of(PresenceRpc.reply(status.getData())).code())
        .isEqualTo(ErrorCode.UNAVAILABLE);
  }
}
