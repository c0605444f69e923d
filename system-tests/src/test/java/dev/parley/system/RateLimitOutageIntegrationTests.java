package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate limits live in Redis; when Redis cannot answer, each gateway counts on its own (the same
 * rates) rather than refusing every send, says so in {@code parley_rate_limit_fallback}, and goes
 * back to Redis once it answers again.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitOutageIntegrationTests {
  private static final int BURST = 3;

  private final TestEnvironment env;
  private Vertx vertx;
  private TcpProxy redis;
  private Cluster cluster;
  private Api api;

  RateLimitOutageIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    redis = Cluster.redisProxy(vertx, env);
    // one gateway, no worker: sends are acked from the stream
    cluster =
        Cluster.start(
            env,
            Map.of(
                "PARLEY_REDIS_URL", Cluster.redisUrlThrough(redis),
                "PARLEY_SEND_RATE_PER_SECOND", "1",
                "PARLEY_SEND_BURST", Integer.toString(BURST)),
            1,
            false);
    api = new Api(vertx, cluster.baseUrl(0));
  }

  @AfterAll
  void stop() {
    api.close();
    cluster.close();
    Cluster.await(redis.close());
    Cluster.await(vertx.close());
  }

  private double fallback() {
    MeterRegistry registry = cluster.gateway(0).registry();
    return registry.get("parley_rate_limit_fallback").gauge().value();
  }

  @Test
  void withRedisCutSendsAreLimitedPerNodeNeverAllRefusedAndTheMetricSaysSo() {
    String alice = env.newId("alice");
    String aliceToken = api.devToken(alice);
    String conversationId = api.createGroup(aliceToken, "outage", List.of()).getString("id");

    assertThat(api.send(aliceToken, conversationId, "shared", null).status()).isEqualTo(201);
    assertThat(fallback()).isZero();
    String key = env.redis().keyPrefix() + ":rl:{" + alice + "}:send";
    assertThat(env.redisConnection().sync().exists(key))
        .as("the bucket is in Redis, under %s", key)
        .isEqualTo(1L);

    Cluster.await(redis.cut());
    try {
      // the node's own bucket is full: a whole burst goes through, then the rate holds
      for (int i = 0; i < BURST; i++) {
        Api.Reply sent = api.send(aliceToken, conversationId, "local " + i, null);
        assertThat(sent.status())
            .as("send %d while redis is cut: %s", i, sent.body())
            .isEqualTo(201);
      }
      assertThat(api.send(aliceToken, conversationId, "one too many", null).status())
          .isEqualTo(429);
      assertThat(fallback()).isEqualTo(1.0);
      assertThat(
              cluster
                  .gateway(0)
                  .registry()
                  .get("parley_rate_limit_fallbacks_total")
                  .counter()
                  .count())
          .isEqualTo(1.0);
    } finally {
      redis.restore();
    }

    // back on Redis once it answers again: the node tries it once a second
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Await.until(
        () -> {
          api.send(aliceToken, conversationId, "probe", null);
          return fallback() == 0 ? true : null;
        },
        deadline,
        () -> "still counting locally after redis came back");
  }
}
