package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RS256 with a PEM key or a JWKS URL (a key rotated in is fetched, unknown key ids do not make the
 * gateway hammer the identity provider); iss/aud when configured; the HS/RS confusion attack refused.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsymmetricAuthIntegrationTests {
  private final TestEnvironment env;
  private Vertx vertx;
  private KeyPair keys;
  private String publicPem;
  private JWTAuth signer;
  private HttpServer jwksServer;

  AsymmetricAuthIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void keys() throws Exception {
    vertx = Vertx.vertx();
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    keys = gen.generateKeyPair();
    publicPem = pem("PUBLIC KEY", keys.getPublic().getEncoded());
    signer =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("RS256")
                        .setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
    JsonObject jwks =
        new JsonObject()
            .put("keys", new JsonArray().add(jwk("k1", (RSAPublicKey) keys.getPublic())));
    jwksServer =
        Cluster.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.response()
                            .putHeader("content-type", "application/json")
                            .end(jwks.encode()))
                .listen(0, "127.0.0.1"));
  }

  @AfterAll
  void stop() {
    Cluster.await(jwksServer.close());
    Cluster.await(vertx.close());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static JsonObject jwk(String kid, RSAPublicKey pub) {
    return new JsonObject()
        .put("kty", "RSA")
        .put("alg", "RS256")
        .put("use", "sig")
        .put("kid", kid)
        .put("n", b64url(pub.getModulus()))
        .put("e", b64url(pub.getPublicExponent()));
  }

  private static String b64url(BigInteger n) {
    byte[] bytes = n.toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private String rs256(JsonObject claims) {
    return signer.generateToken(
        claims,
        new JWTOptions().setAlgorithm("RS256").setHeader(new JsonObject().put("kid", "k1")));
  }

  private static JsonObject claims(String sub) {
    return new JsonObject().put("sub", sub).put("exp", System.currentTimeMillis() / 1000 + 600);
  }

  private static int status(Api api, String token) {
    return api.call(HttpMethod.GET, "/api/v1/conversations", token, null).status();
  }

  @Test
  void rs256WithAPemKeyAcceptsItsTokensAndRefusesTheHmacConfusionAttack() {
    try (Cluster cluster =
            Cluster.start(
                env,
                Map.of(
                    "PARLEY_JWT_ALGORITHM",
                    "RS256",
                    "PARLEY_JWT_PUBLIC_KEY",
                    publicPem,
                    "PARLEY_DEV_TOKENS",
                    "false"),
                1,
                false);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      assertThat(status(api, rs256(claims("rsa.user")))).isEqualTo(200);
      // an attacker signs HS256 with the (public) PEM as the HMAC secret
      JWTAuth forger =
          JWTAuth.create(
              vertx,
              new JWTAuthOptions()
                  .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(publicPem)));
      assertThat(
              status(
                  api,
                  forger.generateToken(claims("rsa.user"), new JWTOptions().setAlgorithm("HS256"))))
          .isEqualTo(401);
      assertThat(
              api.call(
                      HttpMethod.POST,
                      "/api/v1/auth/dev-token",
                      null,
                      new JsonObject().put("user_id", "x"))
                  .status())
          .as("no dev tokens outside HS256 dev setups")
          .isEqualTo(404);
    }
  }

  @Test
  void rs256WithAJwksUrlAcceptsTokensOfItsKeys() {
    String url = "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks.json";
    try (Cluster cluster =
            Cluster.start(
                env,
                Map.of(
                    "PARLEY_JWT_ALGORITHM",
                    "RS256",
                    "PARLEY_JWT_JWKS_URL",
                    url,
                    "PARLEY_DEV_TOKENS",
                    "false"),
                1,
                false);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      assertThat(status(api, rs256(claims("jwks.user")))).isEqualTo(200);
      assertThat(status(api, "not-a-token")).isEqualTo(401);
    }
  }

  @Test
  void aKeyRotatedInAfterStartIsFetchedOnceAndUnknownKeyIdsDoNotRefetchAgain() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair rotated = gen.generateKeyPair();
    JWTAuth rotatedSigner =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("RS256")
                        .setBuffer(pem("PRIVATE KEY", rotated.getPrivate().getEncoded()))));
    AtomicInteger fetches = new AtomicInteger();
    AtomicReference<JsonArray> published =
        new AtomicReference<>(new JsonArray().add(jwk("k1", (RSAPublicKey) keys.getPublic())));
    HttpServer idp =
        Cluster.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      fetches.incrementAndGet();
                      req.response()
                          .putHeader("content-type", "application/json")
                          .end(new JsonObject().put("keys", published.get()).encode());
                    })
                .listen(0, "127.0.0.1"));
    // a long refetch interval: the rate limit, not the clock, decides what this test sees
    try (Cluster cluster =
            Cluster.start(
                env,
                Map.of(
                    "PARLEY_JWT_ALGORITHM",
                    "RS256",
                    "PARLEY_JWT_JWKS_URL",
                    "http://127.0.0.1:" + idp.actualPort() + "/jwks.json",
                    "PARLEY_JWT_JWKS_REFETCH_INTERVAL",
                    "4m",
                    "PARLEY_DEV_TOKENS",
                    "false"),
                1,
                false);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      assertThat(fetches.get()).as("the set is fetched at start").isEqualTo(1);
      assertThat(status(api, rs256(claims("before.rotation")))).isEqualTo(200);
      assertThat(fetches.get()).as("a known kid needs no fetch").isEqualTo(1);

      published.set(
          new JsonArray()
              .add(jwk("k1", (RSAPublicKey) keys.getPublic()))
              .add(jwk("k2", (RSAPublicKey) rotated.getPublic())));
      String signedWithK2 =
          rotatedSigner.generateToken(
              claims("after.rotation"),
              new JWTOptions().setAlgorithm("RS256").setHeader(new JsonObject().put("kid", "k2")));
      assertThat(status(api, signedWithK2))
          .as("the rotated key is fetched and accepted")
          .isEqualTo(200);
      assertThat(fetches.get()).isEqualTo(2);
      assertThat(status(api, signedWithK2)).isEqualTo(200);
      assertThat(fetches.get()).as("k2 is known now").isEqualTo(2);

      for (int i = 0; i < 5; i++) {
        String unknownKid =
            rotatedSigner.generateToken(
                claims("made.up"),
                new JWTOptions()
                    .setAlgorithm("RS256")
                    .setHeader(new JsonObject().put("kid", "k-unknown-" + i)));
        assertThat(status(api, unknownKid)).isEqualTo(401);
      }
      assertThat(fetches.get())
          .as("unknown kids within the refetch interval fetch nothing more")
          .isEqualTo(2);
      assertThat(status(api, rs256(claims("still.fine")))).isEqualTo(200);
    } finally {
      Cluster.await(idp.close());
    }
  }

  @Test
  void issuerAndAudienceAreCheckedWhenConfigured() {
    try (Cluster cluster =
            Cluster.start(
                env,
                Map.of(
                    "PARLEY_JWT_ALGORITHM",
                    "RS256",
                    "PARLEY_JWT_PUBLIC_KEY",
                    publicPem,
                    "PARLEY_DEV_TOKENS",
                    "false",
                    "PARLEY_JWT_ISSUER",
                    "https://idp.example",
                    "PARLEY_JWT_AUDIENCE",
                    "parley"),
                1,
                false);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      assertThat(
              status(
                  api,
                  rs256(claims("aud.user").put("iss", "https://idp.example").put("aud", "parley"))))
          .isEqualTo(200);
      assertThat(
              status(
                  api,
                  rs256(
                      claims("aud.user").put("iss", "https://evil.example").put("aud", "parley"))))
          .isEqualTo(401);
      assertThat(
              status(
                  api,
                  rs256(claims("aud.user").put("iss", "https://idp.example").put("aud", "other"))))
          .isEqualTo(401);
      assertThat(status(api, rs256(claims("aud.user")))).isEqualTo(401);
    }
  }
}
