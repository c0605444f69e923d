package dev.parley.contract.config;

/** Where Redis is, and the key prefix that keeps deployments (and test runs) apart. */
public record RedisSettings(String url, String keyPrefix) {

  public static RedisSettings fromEnv(Env env) {
    String url = env.string("PARLEY_REDIS_URL", "redis://127.0.0.1:6379");
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new ConfigException(
          "PARLEY_REDIS_URL=" + Secrets.redact(url) + " must start with redis:// or rediss://");
    }
    return new RedisSettings(url, env.string("PARLEY_REDIS_KEY_PREFIX", "parley"));
  }

  /** The URL may hold a password: never printed. */
  @Override
  public String toString() {
    return "RedisSettings[url=" + Secrets.redact(url) + ", keyPrefix=" + keyPrefix + "]";
  }
}
