package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presence degrades, messaging goes on: with Redis cut off, and then with no presence node at all,
 * presence answers 503 / {@code unavailable} while sends are still acked and delivered. Also the
 * WS mapping of a status change refused as too fast.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceOutageIntegrationTests {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestEnvironment env;
  private Vertx vertx;
  private TcpProxy redis;
  private Cluster cluster;
  private Api api;

  PresenceOutageIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    redis = Cluster.redisProxy(vertx, env);
    // one gateway is enough here; no worker: sends are acked from the stream
    cluster =
        Cluster.start(
            env,
            Map.of(
                "PARLEY_REDIS_URL", Cluster.redisUrlThrough(redis),
                "PARLEY_PRESENCE_REDIS_TIMEOUT", "500ms",
                "PARLEY_PRESENCE_REQUEST_TIMEOUT", "1s",
                "PARLEY_PRESENCE_STATUS_MIN_INTERVAL", "1m"),
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

  private WsClient connect(String token) {
    return WsClient.connect(vertx, cluster.gateway(0).port(), token);
  }

  private static JsonObject reply(WsClient ws, String id, Object status) {
    ws.send(
        new JsonObject()
            .put("type", "presence.update")
            .put("id", id)
            .put("data", new JsonObject().put("status", status)));
    return ws.awaitOne(f -> id.equals(f.getString("id")), WAIT);
  }

  @Test
  @Order(1)
  void aSecondStatusChangeWithinTheMinimumIntervalIsRateLimited() {
    String token = api.devToken(env.newId("quick"));
    try (WsClient ws = connect(token)) {
      assertThat(reply(ws, "s1", "away").getString("type")).isEqualTo("ack");
      JsonObject refused = reply(ws, "s2", "busy");
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getJsonObject("data").getString("code")).isEqualTo("rate_limited");
      assertThat(reply(ws, "s3", "away").getString("type"))
          .as("the current status again is no change")
          .isEqualTo("ack");
    }
  }

  @Test
  @Order(2)
  void withoutRedisOrAnyPresenceNodePresenceIsUnavailableAndMessagingGoesOn() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = api.devToken(alice);
    String bobToken = api.devToken(bob);
    String conversationId = api.createGroup(aliceToken, "outage", List.of(bob)).getString("id");
    try (WsClient bobWs = connect(bobToken);
        WsClient aliceWs = connect(aliceToken)) {
      Cluster.await(redis.cut());
      assertUnavailable(aliceToken, aliceWs, "r");
      assertMessagingWorks(aliceToken, conversationId, bobWs, "while redis is down");
      redis.restore();

      cluster.stopPresence();
      assertUnavailable(aliceToken, aliceWs, "p");
      assertMessagingWorks(aliceToken, conversationId, bobWs, "without a presence node");
      assertThat(aliceWs.closeCode()).isNull();
    }
  }

  private void assertUnavailable(String token, WsClient ws, String id) {
    Api.Reply online = api.call(HttpMethod.GET, "/api/v1/users/online", token, null);
    assertThat(online.status()).isEqualTo(503);
    assertThat(online.body().getJsonObject("error").getString("code")).isEqualTo("unavailable");
    assertThat(online.headers().get("Retry-After")).isNotNull();
    JsonObject update = reply(ws, id, "busy");
    assertThat(update.getString("type")).isEqualTo("error");
    assertThat(update.getJsonObject("data").getString("code")).isEqualTo("unavailable");
  }

  private void assertMessagingWorks(
      String token, String conversationId, WsClient member, String when) {
    Api.Reply sent = api.send(token, conversationId, "still here " + when, null);
    assertThat(sent.status()).as(when).isEqualTo(201);
    member.awaitOne(
        f ->
            "message.new".equals(f.getString("type"))
                && ("still here " + when).equals(f.getJsonObject("data").getString("content")),
        WAIT);
  }
}
