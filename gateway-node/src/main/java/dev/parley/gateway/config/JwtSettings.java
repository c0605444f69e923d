package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;
import java.util.Optional;

/**
 * How tokens are checked. HS256 with a shared secret; RS256/ES256 with a PEM public key or a JWKS
 * URL. The algorithm is pinned: a token signed any other way is refused.
 *
 * <p>The profile is {@code prod} unless {@code PARLEY_PROFILE=dev} says otherwise: a deployment
 * that forgets a variable refuses to start rather than run with the public dev secret. Only the dev
 * profile knows {@link #DEV_SECRET} and allows dev tokens.
 *
 * @param maxLifetime a token valid for longer than this ({@code exp - iat}, or {@code exp - now}
 *     without {@code iat}) is refused
 * @param jwksRefetchInterval with a JWKS URL: a token naming an unknown {@code kid} makes the key set
 *     be fetched again, at most twice in this interval
 */
public record JwtSettings(
    String algorithm,
    String secret,
    String publicKeyPem,
    String jwksUrl,
    Optional<String> issuer,
    Optional<String> audience,
    boolean devTokens,
    int devTokenTtlSeconds,
    int leewaySeconds,
    Duration maxLifetime,
    Duration jwksRefetchInterval) {

  public static final String DEV_SECRET = "parley-dev-secret";

  /** How long a fetched JWKS is used before it is fetched again; refetches on unknown kids come on top. */
  public static final Duration JWKS_CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);

  private static final int MIN_SECRET_LENGTH = 32;

  public static JwtSettings fromEnv(Env env) {
    String profile = env.string("PARLEY_PROFILE", "prod");
    if (!profile.equals("dev") && !profile.equals("prod")) {
      throw new ConfigException("PARLEY_PROFILE=" + profile + " is not one of: dev, prod");
    }
    boolean dev = profile.equals("dev");
    String alg = env.string("PARLEY_JWT_ALGORITHM", "HS256");
    String secret = null;
    String pem = null;
    String jwks = null;
    switch (alg) {
      case "HS256":
        secret = dev ? env.string("PARLEY_JWT_SECRET", DEV_SECRET) : productionSecret(env);
        break;
      case "RS256":
      case "ES256":
        pem = env.optional("PARLEY_JWT_PUBLIC_KEY").orElse(null);
        jwks = env.optional("PARLEY_JWT_JWKS_URL").orElse(null);
        if ((pem == null) == (jwks == null)) {
          throw new ConfigException(
              "PARLEY_JWT_ALGORITHM="
                  + alg
                  + " needs exactly one of PARLEY_JWT_PUBLIC_KEY (PEM) or PARLEY_JWT_JWKS_URL");
        }
        break;
      default:
        throw new ConfigException(
            "PARLEY_JWT_ALGORITHM=" + alg + " is not one of: HS256, RS256, ES256");
    }
    boolean devTokens = env.bool("PARLEY_DEV_TOKENS", dev);
    if (devTokens && !dev) {
      // a dev token is whoever the caller says it is: never on a production gateway
      throw new ConfigException(
          "PARLEY_DEV_TOKENS=true needs PARLEY_PROFILE=dev (dev tokens let anyone act as any user)");
    }
    if (devTokens && !alg.equals("HS256")) {
      throw new ConfigException(
          "PARLEY_DEV_TOKENS=true needs PARLEY_JWT_ALGORITHM=HS256 (dev tokens are signed with the shared secret)");
    }
    Duration maxLifetime = env.duration("PARLEY_JWT_MAX_LIFETIME", Duration.ofHours(24));
    if (maxLifetime.toSeconds() < 60) {
      throw new ConfigException(
          "PARLEY_JWT_MAX_LIFETIME=" + maxLifetime + " is too short: at least 1m");
    }
    int devTokenTtl =
        env.integer(
            "PARLEY_DEV_TOKEN_TTL_SECONDS",
            (int) Math.min(24 * 3600, maxLifetime.toSeconds()),
            60,
            30 * 24 * 3600);
    if (devTokenTtl > maxLifetime.toSeconds()) {
      throw new ConfigException(
          "PARLEY_DEV_TOKEN_TTL_SECONDS="
              + devTokenTtl
              + " exceeds PARLEY_JWT_MAX_LIFETIME ("
              + maxLifetime
              + "): such tokens would be refused");
    }
    Duration refetch = env.duration("PARLEY_JWT_JWKS_REFETCH_INTERVAL", Duration.ofSeconds(30));
    if (refetch.toMillis() < 1000 || refetch.compareTo(JWKS_CACHE_TIME_TO_LIVE) >= 0) {
      throw new ConfigException(
          "PARLEY_JWT_JWKS_REFETCH_INTERVAL="
              + refetch
              + " is out of range: at least 1s, and shorter than "
              + JWKS_CACHE_TIME_TO_LIVE.toMinutes()
              + "m (how long a fetched key set is kept)");
    }
    return new JwtSettings(
        alg,
        secret,
        pem,
        jwks,
        env.optional("PARLEY_JWT_ISSUER"),
        env.optional("PARLEY_JWT_AUDIENCE"),
        devTokens,
        devTokenTtl,
        env.integer("PARLEY_JWT_LEEWAY_SECONDS", 30, 0, 600),
        maxLifetime,
        refetch);
  }

  private static String productionSecret(Env env) {
    String secret =
        env.required(
            "PARLEY_JWT_SECRET",
            "the HS256 shared secret, at least "
                + MIN_SECRET_LENGTH
                + " random characters (PARLEY_PROFILE is prod unless set to dev;"
                + " for a local dev setup set PARLEY_PROFILE=dev)");
    if (secret.equals(DEV_SECRET)) {
      throw new ConfigException(
          "PARLEY_JWT_SECRET is the public dev secret: production needs its own, at least "
              + MIN_SECRET_LENGTH
              + " random characters");
    }
    if (secret.length() < MIN_SECRET_LENGTH) {
      throw new ConfigException(
          "PARLEY_JWT_SECRET is too short for production: use at least "
              + MIN_SECRET_LENGTH
              + " random characters");
    }
    return secret;
  }

  @Override
  public String toString() {
    return "JwtSettings[algorithm="
        + algorithm
        + ", issuer="
        + issuer
        + ", audience="
        + audience
        + ", devTokens="
        + devTokens
        + ", maxLifetime="
        + maxLifetime
        + "]";
  }
}
