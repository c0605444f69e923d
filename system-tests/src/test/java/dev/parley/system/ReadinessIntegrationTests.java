package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /ready} answers whether this gateway can take traffic: with Postgres cut it stays 200
 * (sends are still acked) and reports Postgres down in its body and metrics; with NATS cut it is 503.
 */
@ExtendWith(ParleyExtension.class)
class ReadinessIntegrationTests {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TestEnvironment env;

  ReadinessIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void postgresDownKeepsTheGatewayReadyAndSaysSoNatsDownTakesItOut() throws Exception {
    Vertx vertx = Vertx.vertx();
    URI nats = URI.create(env.baseEnv().get("PARLEY_NATS_URL"));
    TcpProxy pgProxy =
        Cluster.await(TcpProxy.start(vertx, env.postgres().host(), env.postgres().port()));
    TcpProxy natsProxy = Cluster.await(TcpProxy.start(vertx, nats.getHost(), nats.getPort()));
    Map<String, String> viaProxies =
        Map.of(
            "PARLEY_PG_HOST",
            pgProxy.host(),
            "PARLEY_PG_PORT",
            Integer.toString(pgProxy.port()),
            "PARLEY_NATS_URL",
            "nats://" + natsProxy.host() + ":" + natsProxy.port());
    try (Cluster cluster = Cluster.start(env, viaProxies, 1, false);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      // the reported dependencies are checked in the background: each shows up once checked
      Api.Reply ready =
          Await.until(
              () -> {
                Api.Reply r = api.call(HttpMethod.GET, "/ready", null, null);
                return r.body().getJsonObject("dependencies").getMap().values().stream()
                        .allMatch("up"::equals)
                    ? r
                    : null;
              },
              System.nanoTime() + WAIT.toNanos(),
              () -> "some dependency never reported up");
      assertThat(ready.status()).as("%s", ready.body()).isEqualTo(200);
      assertThat(ready.body().getJsonObject("dependencies").getMap())
          .containsOnlyKeys("nats", "postgres", "redis", "presence");
      assertThat(metrics(cluster))
          .contains("parley_dependency_up{dependency=\"postgres\",node=\"gateway-1\"} 1.0");

      String token = api.devToken(env.newId("alice"));
      String conversationId = api.createGroup(token, "ready", List.of()).getString("id");
      assertThat(api.send(token, conversationId, "warm", null).status()).isEqualTo(201);

      Cluster.await(pgProxy.cut());
      JsonObject whilePgDown =
          Await.until(
              () -> {
                Api.Reply r = api.call(HttpMethod.GET, "/ready", null, null);
                return "down".equals(r.body().getJsonObject("dependencies").getString("postgres"))
                    ? r.body().put("http", r.status())
                    : null;
              },
              System.nanoTime() + WAIT.toNanos(),
              () -> "Postgres never reported down");
      assertThat(whilePgDown.getInteger("http"))
          .as("still ready without Postgres: %s", whilePgDown)
          .isEqualTo(200);
      assertThat(whilePgDown.getString("status")).isEqualTo("ready");
      assertThat(whilePgDown.getJsonObject("dependencies").getString("nats")).isEqualTo("up");
      assertThat(metrics(cluster))
          .contains("parley_dependency_up{dependency=\"postgres\",node=\"gateway-1\"} 0.0");
      assertThat(api.send(token, conversationId, "while Postgres is down", null).status())
          .as("and it does take traffic: a send is acked")
          .isEqualTo(201);
      pgProxy.restore();

      Cluster.await(natsProxy.cut());
      Api.Reply natsDown =
          Await.until(
              () -> {
                Api.Reply r = api.call(HttpMethod.GET, "/ready", null, null);
                return r.status() == 503 ? r : null;
              },
              System.nanoTime() + WAIT.toNanos(),
              () -> "still ready without NATS");
      assertThat(natsDown.body().getString("status")).isEqualTo("unavailable");
      assertThat(natsDown.body().getJsonObject("dependencies").getString("nats")).isEqualTo("down");
      assertThat(metrics(cluster))
          .contains("parley_dependency_up{dependency=\"nats\",node=\"gateway-1\"} 0.0");
      natsProxy.restore();
      Await.until(
          () -> api.call(HttpMethod.GET, "/ready", null, null).status() == 200 ? true : null,
          System.nanoTime() + WAIT.toNanos(),
          () -> "not ready again after NATS came back");
    } finally {
      Cluster.await(natsProxy.close());
      Cluster.await(pgProxy.close());
      Cluster.await(vertx.close());
    }
  }

  private static String metrics(Cluster cluster) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(cluster.baseUrl(0) + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
