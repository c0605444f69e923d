package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/ws-tickets} and {@code /ws?ticket=}: a browser opens its socket without the
 * long-lived token in the URL. Tickets live in Redis, so one issued by a node opens a socket on any
 * other, once, until it expires. Redis is reached through a proxy the test can cut.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WsTicketsIntegrationTests {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestEnvironment env;
  private Vertx vertx;
  private TcpProxy redis;
  private Cluster cluster;
  private Api nodeA;

  WsTicketsIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    redis = Cluster.redisProxy(vertx, env);
    cluster =
        Cluster.start(env, Map.of("PARLEY_REDIS_URL", Cluster.redisUrlThrough(redis)), 2, false);
    nodeA = new Api(vertx, cluster.baseUrl(0));
  }

  @AfterAll
  void stop() {
    nodeA.close();
    cluster.close();
    Cluster.await(redis.close());
    Cluster.await(vertx.close());
  }

  private String ticket(Api api, String token) {
    Api.Reply r = api.call(HttpMethod.POST, "/api/v1/ws-tickets", token, null);
    assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
    assertThat(r.body().getInteger("expires_in")).isEqualTo(30);
    return r.body().getString("ticket");
  }

  private WsClient openWithTicket(int gatewayIndex, String ticket) {
    return WsClient.open(
        vertx,
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(cluster.gateway(gatewayIndex).port())
            .setURI("/ws?ticket=" + ticket));
  }

  @Test
  void aTicketFromOneNodeOpensASocketOnAnotherAsItsUserOnce() {
    String alice = nodeA.devToken("ticket.alice");
    String ticket = ticket(nodeA, alice);
    assertThat(ticket).doesNotContain(alice);
    try (WsClient ws = openWithTicket(1, ticket)) {
      // the socket on node B is alice's: a group she creates on node A reaches it
      JsonObject group = nodeA.createGroup(alice, "ticketed", List.of("ticket.bob"));
      ws.awaitOne(
          f ->
              "conversation.created".equals(f.getString("type"))
                  && group.getString("id").equals(f.getJsonObject("data").getString("id")),
          WAIT);
    }
    assertThatThrownBy(() -> openWithTicket(0, ticket))
        .as("a ticket is used up by its first handshake")
        .hasMessageContaining("401");
    assertThatThrownBy(() -> openWithTicket(1, ticket)).hasMessageContaining("401");
  }

  @Test
  void badTicketsAndTicketsWithoutATokenAreRefusedBeforeTheUpgrade() {
    assertThatThrownBy(() -> openWithTicket(0, "not-a-ticket")).hasMessageContaining("401");
    assertThatThrownBy(() -> openWithTicket(0, "A".repeat(43))).hasMessageContaining("401");
    assertThat(nodeA.call(HttpMethod.POST, "/api/v1/ws-tickets", null, null).status())
        .isEqualTo(401);
  }

  @Test
  void anExpiredTicketIsRefused() {
    // its own key prefix: the other tests' tickets (30 s) must not keep the wait below going
    String prefix = env.redis().keyPrefix() + "-short";
    try (Cluster shortLived =
            Cluster.start(
                env,
                Map.of("PARLEY_WS_TICKET_TTL", "1s", "PARLEY_REDIS_KEY_PREFIX", prefix),
                1,
                false);
        Api api = new Api(vertx, shortLived.baseUrl(0))) {
      Api.Reply r =
          api.call(HttpMethod.POST, "/api/v1/ws-tickets", api.devToken("ticket.late"), null);
      assertThat(r.body().getInteger("expires_in")).isEqualTo(1);
      String ticket = r.body().getString("ticket");
      String pattern = prefix + ":ws-ticket:*";
      assertThat(env.redisConnection().sync().keys(pattern)).hasSize(1);
      // Redis's own expiry, not a sleep: wait until Redis no longer holds any ticket of this test
      Await.until(
          () -> env.redisConnection().sync().keys(pattern).isEmpty() ? true : null,
          System.nanoTime() + WAIT.toNanos(),
          () -> "the ticket did not expire");
      assertThatThrownBy(
              () ->
                  WsClient.open(
                      vertx,
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(shortLived.gateway(0).port())
                          .setURI("/ws?ticket=" + ticket)))
          .hasMessageContaining("401");
    }
  }

  @Test
  void withRedisDownTicketsAreUnavailableAndTheBearerTokenStillOpensTheSocket() {
    String carol = nodeA.devToken("ticket.carol");
    String ticket = ticket(nodeA, carol);
    Cluster.await(redis.cut());
    try {
      Api.Reply r = nodeA.call(HttpMethod.POST, "/api/v1/ws-tickets", carol, null);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("unavailable");
      assertThatThrownBy(() -> openWithTicket(1, ticket)).hasMessageContaining("503");
      try (WsClient ws = WsClient.connect(vertx, cluster.gateway(1).port(), carol)) {
        ws.send(new JsonObject().put("type", "no.such.type").put("id", "1"));
        ws.awaitOne(
            f -> "error".equals(f.getString("type")) && "1".equals(f.getString("id")), WAIT);
      }
    } finally {
      redis.restore();
      // the gateway's Redis connection comes back by itself; the other tests need it back first
      Await.until(
          () ->
              nodeA.call(HttpMethod.POST, "/api/v1/ws-tickets", carol, null).status() == 201
                  ? true
                  : null,
          System.nanoTime() + Duration.ofSeconds(30).toNanos(),
          () -> "tickets did not come back after Redis did");
    }
  }
}
