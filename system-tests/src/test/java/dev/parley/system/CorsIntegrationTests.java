package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code PARLEY_CORS_ORIGINS}: pages of a listed origin may call the REST API (preflight answered,
 * Authorization and Content-Type allowed) and open {@code /ws}; a page of any other origin is
 * refused with 403, the WebSocket handshake before its upgrade; clients that send no Origin pass.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsIntegrationTests {
  private static final String APP = "https://app.example";
  private static final String OTHER = "https://evil.example";

  private final TestEnvironment env;
  private Vertx vertx;
  private Cluster cluster;
  private Api api;
  private WebClient http;

  CorsIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    cluster =
        Cluster.start(
            env, Map.of("PARLEY_CORS_ORIGINS", APP + ", http://localhost:3000"), 1, false);
    api = new Api(vertx, cluster.baseUrl(0));
    http = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    http.close();
    api.close();
    cluster.close();
    Cluster.await(vertx.close());
  }

  private HttpResponse<Buffer> request(HttpMethod method, String path, MultiMap headers) {
    return Cluster.await(
        http.requestAbs(method, cluster.baseUrl(0) + path).putHeaders(headers).send());
  }

  @Test
  void aPreflightFromAListedOriginIsAnsweredWithTheAllowedMethodsAndHeaders() {
    HttpResponse<Buffer> r =
        request(
            HttpMethod.OPTIONS,
            "/api/v1/conversations",
            MultiMap.caseInsensitiveMultiMap()
                .add("Origin", APP)
                .add("Access-Control-Request-Method", "POST")
                .add("Access-Control-Request-Headers", "authorization, content-type"));
    assertThat(r.statusCode()).isBetween(200, 204);
    assertThat(r.getHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(r.getHeader("Access-Control-Allow-Methods")).contains("POST");
    assertThat(r.getHeader("Access-Control-Allow-Headers").toLowerCase())
        .contains("authorization")
        .contains("content-type");
  }

  @Test
  void aListedOriginGetsTheAnswerWithItsAllowHeaderAndAnyOtherOriginIs403() {
    String token = api.devToken("cors.user");
    HttpResponse<Buffer> ok =
        request(
            HttpMethod.GET,
            "/api/v1/conversations",
            MultiMap.caseInsensitiveMultiMap()
                .add("Origin", APP)
                .add("Authorization", "Bearer " + token));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.getHeader("Access-Control-Allow-Origin")).isEqualTo(APP);

    HttpResponse<Buffer> refused =
        request(
            HttpMethod.GET,
            "/api/v1/conversations",
            MultiMap.caseInsensitiveMultiMap()
                .add("Origin", OTHER)
                .add("Authorization", "Bearer " + token));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.getHeader("Access-Control-Allow-Origin")).isNull();
    assertThat(new JsonObject(refused.bodyAsString()).getJsonObject("error").getString("code"))
        .isEqualTo("forbidden");

    assertThat(api.call(HttpMethod.GET, "/api/v1/conversations", token, null).status())
        .as("no Origin: not a browser page, nothing to check")
        .isEqualTo(200);
  }

  @Test
  void theWebSocketHandshakeChecksTheOriginBeforeTheUpgrade() {
    String token = api.devToken("cors.ws");
    WebSocketConnectOptions base =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(cluster.gateway(0).port())
            .setURI("/ws?token=" + token);
    assertThatThrownBy(
            () ->
                WsClient.open(vertx, new WebSocketConnectOptions(base).addHeader("Origin", OTHER)))
        .hasMessageContaining("403");
    try (WsClient fromApp =
        WsClient.open(vertx, new WebSocketConnectOptions(base).addHeader("Origin", APP))) {
      fromApp.send(new JsonObject().put("type", "no.such.type").put("id", "1"));
      fromApp.awaitOne(f -> "1".equals(f.getString("id")), Duration.ofSeconds(10));
    }
    try (WsClient native_ =
        WsClient.open(vertx, new WebSocketConnectOptions(base).setAllowOriginHeader(false))) {
      native_.send(new JsonObject().put("type", "no.such.type").put("id", "2"));
      native_.awaitOne(f -> "2".equals(f.getString("id")), Duration.ofSeconds(10));
    }
  }
}
