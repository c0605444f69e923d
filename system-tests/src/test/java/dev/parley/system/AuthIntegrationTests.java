package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIntegrationTests {
  private static final String SECRET = "auth-test-secret-of-some-length-123456";

  private final TestEnvironment env;
  private Cluster cluster;
  private Vertx vertx;
  private Api api;

  AuthIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    cluster = Cluster.start(env, Map.of("PARLEY_JWT_SECRET", SECRET), 1, true);
    vertx = Vertx.vertx();
    api = new Api(vertx, cluster.baseUrl(0));
  }

  @AfterAll
  void stop() {
    api.close();
    Cluster.await(vertx.close());
    cluster.close();
  }

  private String sign(String secret, JsonObject claims) {
    JWTAuth auth =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return auth.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private void assertRefused(String token) {
    Api.Reply r = api.call(HttpMethod.GET, "/api/v1/conversations", token, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("unauthenticated");
    assertThat(r.body().getJsonObject("error").getString("message"))
        .isNotBlank()
        .doesNotContain(token == null ? "\u0000" : token);
  }

  @Test
  void aNameClaimThatCannotBeKeptRefusesTheTokenAndALongNameIsCutOnACodePoint() {
    String nul =
        sign(
            SECRET,
            new JsonObject()
                .put("sub", "nul.name")
                .put("name", "Eve\u0000")
                .put("exp", now() + 600));
    assertRefused(nul);
    assertThat(
            api.call(HttpMethod.GET, "/api/v1/conversations", nul, null)
                .body()
                .getJsonObject("error")
                .getString("message"))
        .isEqualTo("invalid token: the name claim contains U+0000 (NUL) at index 3");
    assertRefused(
        sign(
            SECRET,
            new JsonObject()
                .put("sub", "two.lines")
                .put("name", "Eve\nAdams")
                .put("exp", now() + 600)));

    // 251 code points in 501 chars: cut at 200 chars, the last emoji would lose its low half
    String longName = "a" + "😀".repeat(250);
    String token =
        sign(
            SECRET,
            new JsonObject().put("sub", "long.name").put("name", longName).put("exp", now() + 600));
    assertThat(api.call(HttpMethod.GET, "/api/v1/conversations", token, null).status())
        .isEqualTo(200);
    Pool pool = env.pgPool(vertx);
    try {
      String stored =
          Cluster.await(
                  pool.preparedQuery("SELECT name FROM users WHERE id = $1")
                      .execute(Tuple.of("long.name")))
              .iterator()
              .next()
              .getString(0);
      assertThat(stored).isEqualTo("a" + "😀".repeat(199));
    } finally {
      Cluster.await(pool.close());
    }
  }

  @Test
  void aValidTokenIsAcceptedAndCreatesTheUser() {
    String token =
        sign(
            SECRET,
            new JsonObject().put("sub", "valid.user@x").put("name", "Val").put("exp", now() + 600));
    Api.Reply r = api.call(HttpMethod.GET, "/api/v1/conversations", token, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().getJsonArray("items")).isEmpty();
  }

  @Test
  void expiredTokenIsRefused() {
    assertRefused(sign(SECRET, new JsonObject().put("sub", "u1").put("exp", now() - 3600)));
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() {
    assertRefused(
        sign(
            "some-other-secret-entirely-different",
            new JsonObject().put("sub", "u1").put("exp", now() + 600)));
  }

  @Test
  void unsignedAlgNoneTokenIsRefused() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload =
        b64.encodeToString(
            new JsonObject()
                .put("sub", "u1")
                .put("exp", now() + 600)
                .encode()
                .getBytes(StandardCharsets.UTF_8));
    assertRefused(header + "." + payload + ".");
  }

  @Test
  void aTokenValidForLongerThanTheLifetimeCapIsRefused() {
    // sign() stamps iat = now: the lifetime is exp - iat
    assertRefused(
        sign(SECRET, new JsonObject().put("sub", "long.lived").put("exp", now() + 25 * 3600)));
    Api.Reply underTheCap =
        api.call(
            HttpMethod.GET,
            "/api/v1/conversations",
            sign(SECRET, new JsonObject().put("sub", "day.lived").put("exp", now() + 23 * 3600)),
            null);
    assertThat(underTheCap.status()).isEqualTo(200);
    assertThat(
            api.call(HttpMethod.GET, "/api/v1/conversations", api.devToken("dev.user"), null)
                .status())
        .as("dev tokens fit under the cap")
        .isEqualTo(200);
  }

  @Test
  void withoutIatTheRemainingLifetimeIsCapped() {
    JWTAuth auth =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    JWTOptions noIat = new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true);
    assertRefused(
        auth.generateToken(
            new JsonObject().put("sub", "no.iat").put("exp", now() + 25 * 3600), noIat));
    Api.Reply fine =
        api.call(
            HttpMethod.GET,
            "/api/v1/conversations",
            auth.generateToken(
                new JsonObject().put("sub", "no.iat").put("exp", now() + 3600), noIat),
            null);
    assertThat(fine.status()).isEqualTo(200);
  }

  @Test
  void tokenWithoutExpIsRefused() {
    assertRefused(sign(SECRET, new JsonObject().put("sub", "u1")));
  }

  @Test
  void subjectOutsideTheAllowedCharactersIsRefused() {
    assertRefused(sign(SECRET, new JsonObject().put("sub", "has space").put("exp", now() + 600)));
  }

  @Test
  void missingTokenIsRefused() {
    assertRefused(null);
  }

  @Test
  void webSocketHandshakeWithABadTokenIsRefusedWith401() {
    String bad =
        sign(
            "some-other-secret-entirely-different",
            new JsonObject().put("sub", "u1").put("exp", now() + 600));
    assertThatThrownBy(() -> WsClient.connect(vertx, cluster.gateway(0).port(), bad))
        .hasMessageContaining("401");
  }

  @Test
  void webSocketAcceptsTheTokenInTheQueryString() {
    String token = sign(SECRET, new JsonObject().put("sub", "query.user").put("exp", now() + 600));
    var client = vertx.createWebSocketClient();
    var ws =
        Cluster.await(client.connect(cluster.gateway(0).port(), "127.0.0.1", "/ws?token=" + token));
    assertThat(ws.isClosed()).isFalse();
    Cluster.await(ws.close());
    client.close();
  }
}
