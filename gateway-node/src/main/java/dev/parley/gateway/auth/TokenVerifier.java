package dev.parley.gateway.auth;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.config.JwtSettings;
import dev.parley.gateway.config.ServiceKeys;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.http.TextRules;
import dev.parley.gateway.http.TextRules.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.Optional;

/**
 * Checks a bearer token and returns who it names. The key set holds keys of the one configured
 * algorithm only, so {@code alg: none} and HS/RS confusion fail signature lookup. {@code exp} is
 * required (a token that never expires is refused), {@code iss}/{@code aud} when configured.
 *
 * <p>Service tokens, for bots, are either a JWT with the claim {@code "service": true} (its
 * {@code sub} is the bot user) or a key of {@code PARLEY_SERVICE_KEYS}. Either authenticates as
 * its bot user wherever a user token is accepted; {@link #verifyService} accepts nothing else.
 */
public final class TokenVerifier {
  /** The claim that marks a JWT as a service token. */
  public static final String SERVICE_CLAIM = "service";
  /** Longer display names are cut (on a code point) rather than refused: they come from an identity provider. */
  private static final int MAX_NAME_CODE_POINTS = 200;

  private final JwtSettings settings;
  private final ServiceKeys serviceKeys;
  private volatile JWTAuth auth;

  private TokenVerifier(JwtSettings settings, ServiceKeys serviceKeys, JWTAuth auth) {
    this.settings = settings;
    this.serviceKeys = serviceKeys;
    this.auth = auth;
  }

  /**
   * Builds the verifier, accepting the configured service keys too; with a JWKS URL the keys are
   * fetched first (and refreshed by {@link #reload}).
   */
  public static Future<TokenVerifier> create(Vertx vertx, JwtSettings settings, ServiceKeys serviceKeys) {
    return buildAuth(vertx, settings).map(a -> new TokenVerifier(settings, serviceKeys, a));
  }

  /** Re-reads the JWKS (keys rotate); keeps the old keys if the fetch fails. */
  public Future<Void> reload(Vertx vertx) {
    return buildAuth(vertx, settings).map(a -> {
      this.auth = a;
      return null;
    });
  }

  public JWTAuth jwtAuth() {
    return auth;
  }

  /** A user token, or a service token acting as its bot user. */
  public Future<AuthenticatedUser> verify(String token) {
    return verify(token, false);
  }

  /**
   * A service token only: a configured key, or a JWT carrying {@code "service": true}. A valid
   * user token is refused with {@code forbidden}: it proves who the caller is, not that it may act
   * as a bot.
   */
  public Future<AuthenticatedUser> verifyService(String token) {
    return verify(token, true);
  }

  /** A configured key acts as its bot; otherwise the JWT's claims, which must be a service's when {@code serviceOnly}. */
  private Future<AuthenticatedUser> verify(String token, boolean serviceOnly) {
    Optional<String> bot = serviceKeys.botFor(token);
    if (bot.isPresent()) {
      return Future.succeededFuture(new AuthenticatedUser(bot.get(), null));
    }
    return claims(token).compose(claims -> !serviceOnly || Boolean.TRUE.equals(claims.getValue(SERVICE_CLAIM))
        ? Future.succeededFuture(userOf(claims))
        : Future.failedFuture(ApiException.forbidden(
            "a service token is required: a JWT with \"service\": true, or a key of PARLEY_SERVICE_KEYS")));
  }

  /** The checked claims of a JWT: signature, algorithm, exp, iss/aud, and a well-formed sub. */
  private Future<JsonObject> claims(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthenticated("missing bearer token"));
    }
    return auth.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthenticated("invalid token: " + describe(e))))
        .compose(user -> {
          // The decoded claims live in the attributes; the principal holds only part of them.
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          if (!(claims.getValue("exp") instanceof Number)) {
            return Future.failedFuture(ApiException.unauthenticated("invalid token: the exp claim is required"));
          }
          if (!Ids.isUserId(claims.getString("sub"))) {
            return Future.failedFuture(ApiException.unauthenticated("invalid token: sub must be 1-128 characters of [A-Za-z0-9._:@-]"));
          }
          // the name is stored on the user's row: a token whose name cannot be kept is refused, not half-used
          String nameProblem = claims.getValue("name") instanceof String name
              ? TextRules.problem("the name claim", name, Kind.SINGLE_LINE) : null;
          if (nameProblem != null) {
            return Future.failedFuture(ApiException.unauthenticated("invalid token: " + nameProblem));
          }
          return Future.succeededFuture(claims);
        });
  }

  private static AuthenticatedUser userOf(JsonObject claims) {
    Object name = claims.getValue("name");
    String display = name instanceof String s && !s.isBlank() ? firstCodePoints(s, MAX_NAME_CODE_POINTS) : null;
    return new AuthenticatedUser(claims.getString("sub"), display);
  }

  /** Cut on a code point, never between the halves of a surrogate pair. */
  private static String firstCodePoints(String s, int max) {
    return s.codePointCount(0, s.length()) > max ? s.substring(0, s.offsetByCodePoints(0, max)) : s;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return "signature or claims rejected";
    }
    // Messages from the JWT library never contain the token itself; keep them short.
    return m.length() > 120 ? m.substring(0, 120) : m;
  }

  private static Future<JWTAuth> buildAuth(Vertx vertx, JwtSettings s) {
    JWTOptions jwtOptions = new JWTOptions().setLeeway(s.leewaySeconds()).setIgnoreExpiration(false);
    s.issuer().ifPresent(jwtOptions::setIssuer);
    s.audience().ifPresent(a -> jwtOptions.setAudience(List.of(a)));
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions);
    if (s.secret() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(s.secret()));
      return Future.succeededFuture(JWTAuth.create(vertx, options));
    }
    if (s.publicKeyPem() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(s.algorithm()).setBuffer(s.publicKeyPem()));
      return Future.succeededFuture(JWTAuth.create(vertx, options));
    }
    return JwksFetcher.fetch(vertx, s.jwksUrl()).map(keys -> {
      for (Object k : keys) {
        JsonObject jwk = (JsonObject) k;
        // pin the algorithm: keys of any other kind are not loaded at all
        String alg = jwk.getString("alg", s.algorithm());
        if (alg.equals(s.algorithm())) {
          options.addJwk(jwk.copy().put("alg", alg));
        }
      }
      if (options.getJwks() == null || options.getJwks().isEmpty()) {
        throw new IllegalStateException("the JWKS at " + s.jwksUrl() + " has no " + s.algorithm() + " key");
      }
      return JWTAuth.create(vertx, options);
    });
  }

  /** Fetches a JWKS document: {@code {"keys":[...]}}. */
  static final class JwksFetcher {
    private JwksFetcher() {}

    static Future<JsonArray> fetch(Vertx vertx, String url) {
      return vertx.createHttpClient()
          .request(new io.vertx.core.http.RequestOptions().setAbsoluteURI(url).setMethod(io.vertx.core.http.HttpMethod.GET))
          .compose(req -> req.send())
          .compose(resp -> {
            if (resp.statusCode() != 200) {
              return Future.failedFuture("JWKS " + url + " answered HTTP " + resp.statusCode());
            }
            return resp.body();
          })
          .map(body -> body.toJsonObject().getJsonArray("keys", new JsonArray()));
    }
  }
}
