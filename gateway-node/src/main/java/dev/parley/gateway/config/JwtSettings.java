package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.util.Optional;

/**
 * How tokens are checked. HS256 with a shared secret out of the box; RS256/ES256 with a PEM public
 * key or a JWKS URL. The algorithm is pinned: a token signed any other way is refused.
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
    int leewaySeconds) {

  public static final String DEV_SECRET = "parley-dev-secret";

  public static JwtSettings fromEnv(Env env) {
    String profile = env.string("PARLEY_PROFILE", "dev");
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
        secret = dev ? env.string("PARLEY_JWT_SECRET", DEV_SECRET)
            : env.required("PARLEY_JWT_SECRET", "the HS256 shared secret (at least 32 characters) when PARLEY_PROFILE=prod");
        if (!dev && secret.length() < 32) {
          throw new ConfigException("PARLEY_JWT_SECRET is too short for production: use at least 32 random characters");
        }
        break;
      case "RS256":
      case "ES256":
        pem = env.optional("PARLEY_JWT_PUBLIC_KEY").orElse(null);
        jwks = env.optional("PARLEY_JWT_JWKS_URL").orElse(null);
        if ((pem == null) == (jwks == null)) {
          throw new ConfigException("PARLEY_JWT_ALGORITHM=" + alg + " needs exactly one of PARLEY_JWT_PUBLIC_KEY (PEM) or PARLEY_JWT_JWKS_URL");
        }
        break;
      default:
        throw new ConfigException("PARLEY_JWT_ALGORITHM=" + alg + " is not one of: HS256, RS256, ES256");
    }
    boolean devTokens = env.bool("PARLEY_DEV_TOKENS", dev);
    if (devTokens && !alg.equals("HS256")) {
      throw new ConfigException("PARLEY_DEV_TOKENS=true needs PARLEY_JWT_ALGORITHM=HS256 (dev tokens are signed with the shared secret)");
    }
    return new JwtSettings(alg, secret, pem, jwks,
        env.optional("PARLEY_JWT_ISSUER"),
        env.optional("PARLEY_JWT_AUDIENCE"),
        devTokens,
        env.integer("PARLEY_DEV_TOKEN_TTL_SECONDS", 24 * 3600, 60, 30 * 24 * 3600),
        env.integer("PARLEY_JWT_LEEWAY_SECONDS", 30, 0, 600));
  }

  @Override
  public String toString() {
    return "JwtSettings[algorithm=" + algorithm + ", issuer=" + issuer + ", audience=" + audience + ", devTokens=" + devTokens + "]";
  }
}
