package dev.parley.gateway.auth;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.config.JwtSettings;
import dev.parley.gateway.config.ServiceKeys;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.text.TextRules;
import dev.parley.gateway.text.TextRules.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a bearer token and returns who it names. The key set holds keys of the one configured
 * algorithm only, so {@code alg: none} and HS/RS confusion fail signature lookup. {@code exp} is
 * required (a token that never expires is refused), and a token may not be valid for longer than
 * {@code PARLEY_JWT_MAX_LIFETIME}; {@code iss}/{@code aud} are checked when configured.
 *
 * <p>With a JWKS URL the keys come from {@link JwksKeys}; a token naming a {@code kid} not among
 * them makes the set be fetched again (rate-limited), so a key the identity provider rotates in is
 * accepted without a restart. Signature and claims are checked by vertx-auth in every mode, so HS256,
 * PEM and JWKS tokens pass the same checks.
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

  /** The keys in use and their ids; replaced whole when a JWKS fetch brings others. */
  private record Keys(JWTAuth auth, Set<String> kids) {}

  private final Vertx vertx;
  private final JwtSettings settings;
  private final ServiceKeys serviceKeys;
  private final JwksKeys jwks;
  private final VerifiedTokens verified = new VerifiedTokens();
  private volatile Keys keys;

  private TokenVerifier(Vertx vertx, JwtSettings settings, ServiceKeys serviceKeys, JwksKeys jwks) {
    this.vertx = vertx;
    this.settings = settings;
    this.serviceKeys = serviceKeys;
    this.jwks = jwks;
  }

  /**
   * Builds the verifier, accepting the configured service keys too; with a JWKS URL the keys are
   * fetched first (and kept fresh by {@link #reload}).
   */
  public static Future<TokenVerifier> create(
      Vertx vertx, JwtSettings settings, ServiceKeys serviceKeys) {
    if (settings.jwksUrl() == null) {
      TokenVerifier v = new TokenVerifier(vertx, settings, serviceKeys, null);
      v.keys = new Keys(JWTAuth.create(vertx, staticKeyOptions(settings)), Set.of());
      return Future.succeededFuture(v);
    }
    TokenVerifier v =
        new TokenVerifier(
            vertx,
            settings,
            serviceKeys,
            new JwksKeys(
                vertx, settings.jwksUrl(), settings.algorithm(), settings.jwksRefetchInterval()));
    return v.reload().map(v);
  }

  /** With a JWKS URL: takes the current set (fetched again once its cache lapses); keeps the old keys if that fails. */
  public Future<Void> reload() {
    if (jwks == null) {
      return Future.succeededFuture();
    }
    return jwks.load(null)
        .map(
            list -> {
              Keys fresh = keysOf(list);
              if (!fresh.kids().equals(keys == null ? null : keys.kids())) {
                verified.forgetAll();
              }
              keys = fresh;
              return null;
            });
  }

  /** How often {@link #reload} is worth calling: when the fetched set's cache lapses. */
  public static Duration reloadInterval() {
    return JwksKeys.CACHE_TIME_TO_LIVE;
  }

  public JWTAuth jwtAuth() {
    return keys.auth();
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
    return claims(token)
        .compose(
            claims ->
                !serviceOnly || Boolean.TRUE.equals(claims.getValue(SERVICE_CLAIM))
                    ? Future.succeededFuture(userOf(claims))
                    : Future.failedFuture(
                        ApiException.forbidden(
                            "a service token is required: a JWT with \"service\": true, or a key of PARLEY_SERVICE_KEYS")));
  }

  /** The checked claims of a JWT: signature, algorithm, exp, iss/aud, and a well-formed sub. */
  private Future<JsonObject> claims(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthenticated("missing bearer token"));
    }
    JsonObject known = verified.claims(token);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return keysFor(token)
        .compose(k -> k.auth().authenticate(new TokenCredentials(token)))
        .recover(
            e -> Future.failedFuture(ApiException.unauthenticated("invalid token: " + describe(e))))
        .compose(
            user -> {
              // The decoded claims live in the attributes; the principal holds only part of them.
              JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
              if (!(claims.getValue("exp") instanceof Number exp)) {
                return Future.failedFuture(
                    ApiException.unauthenticated("invalid token: the exp claim is required"));
              }
              long lifetime = lifetimeSeconds(exp.longValue(), claims.getValue("iat"));
              if (lifetime > settings.maxLifetime().toSeconds()) {
                return Future.failedFuture(
                    ApiException.unauthenticated(
                        "invalid token: it is valid for "
                            + lifetime
                            + " s, longer than the "
                            + settings.maxLifetime().toSeconds()
                            + " s this server accepts"));
              }
              if (!Ids.isUserId(claims.getString("sub"))) {
                return Future.failedFuture(
                    ApiException.unauthenticated(
                        "invalid token: sub must be 1-128 characters of [A-Za-z0-9._:@-]"));
              }
              // the name is stored on the user's row: a token whose name cannot be kept is refused,
              // not half-used
              String nameProblem =
                  claims.getValue("name") instanceof String name
                      ? TextRules.problem("the name claim", name, Kind.SINGLE_LINE)
                      : null;
              if (nameProblem != null) {
                return Future.failedFuture(
                    ApiException.unauthenticated("invalid token: " + nameProblem));
              }
              verified.remember(token, claims);
              return Future.succeededFuture(claims);
            });
  }

  private static AuthenticatedUser userOf(JsonObject claims) {
    Object name = claims.getValue("name");
    String display =
        name instanceof String s && !s.isBlank() ? firstCodePoints(s, MAX_NAME_CODE_POINTS) : null;
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

  /**
   * {@code exp - iat}; without {@code iat}, what is left of it from now (less the leeway, so a
   * token minted just now by a clock slightly ahead still fits).
   */
  private long lifetimeSeconds(long exp, Object iat) {
    if (iat instanceof Number n) {
      return exp - n.longValue();
    }
    return exp - System.currentTimeMillis() / 1000 - settings.leewaySeconds();
  }

  /** The keys to check {@code token} with: a JWKS set is fetched again first when the token names a kid it lacks. */
  private Future<Keys> keysFor(String token) {
    Keys current = keys;
    if (jwks == null) {
      return Future.succeededFuture(current);
    }
    String kid = kidOf(token);
    if (kid == null || current.kids().contains(kid)) {
      return Future.succeededFuture(current);
    }
    return jwks.load(kid)
        .map(
            list -> {
              Keys fresh = keysOf(list);
              if (!fresh.kids().equals(keys.kids())) {
                verified.forgetAll();
                keys = fresh;
              }
              return keys;
            })
        .otherwise(e -> keys);
  }

  /** The {@code kid} of a JWT's header; null when it has none or is no JWT (then the signature check refuses it). */
  static String kidOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      byte[] header = Base64.getUrlDecoder().decode(token.substring(0, dot));
      Object kid = new JsonObject(new String(header, StandardCharsets.UTF_8)).getValue("kid");
      return kid instanceof String s ? s : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Keys keysOf(List<JsonObject> jwkList) {
    if (jwkList.isEmpty()) {
      throw new IllegalStateException(
          "the JWKS at " + jwks.url() + " has no " + settings.algorithm() + " signing key");
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions(settings));
    jwkList.forEach(options::addJwk);
    Set<String> kids =
        jwkList.stream()
            .map(k -> k.getString("kid"))
            .filter(k -> k != null)
            .collect(Collectors.toUnmodifiableSet());
    return new Keys(JWTAuth.create(vertx, options), kids);
  }

  private static JWTOptions jwtOptions(JwtSettings s) {
    JWTOptions jwtOptions =
        new JWTOptions().setLeeway(s.leewaySeconds()).setIgnoreExpiration(false);
    s.issuer().ifPresent(jwtOptions::setIssuer);
    s.audience().ifPresent(a -> jwtOptions.setAudience(List.of(a)));
    return jwtOptions;
  }

  /** A shared secret (HS256) or a PEM public key: keys that never change. */
  private static JWTAuthOptions staticKeyOptions(JwtSettings s) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions(s));
    return s.secret() != null
        ? options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(s.secret()))
        : options.addPubSecKey(
            new PubSecKeyOptions().setAlgorithm(s.algorithm()).setBuffer(s.publicKeyPem()));
  }
}
