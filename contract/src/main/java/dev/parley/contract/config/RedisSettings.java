package dev.parley.contract.config;

import java.time.Duration;

/**
 * Where Redis is, the key prefix that keeps deployments (and test runs) apart, and how long one
 * Redis command (or connection attempt) may take.
 */
public record RedisSettings(String url, String keyPrefix, Duration timeout) {

  public static RedisSettings fromEnv(Env env) {
    String url = env.string("PARLEY_REDIS_URL", "redis://127.0.0.1:6379");
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new ConfigException(
          "PARLEY_REDIS_URL=" + Secrets.redact(url) + " must start with redis:// or rediss://");
    }
    Duration timeout = env.duration("PARLEY_REDIS_TIMEOUT", Duration.ofSeconds(2));
    if (timeout.isZero()) {
      throw new ConfigException("PARLEY_REDIS_TIMEOUT must be longer than zero");
    }
    return new RedisSettings(url, env.string("PARLEY_REDIS_KEY_PREFIX", "parley"), timeout);
  }

  /** The URL may hold a password: never printed. */
  @Override
  public String toString() {
    return "RedisSettings[url="
        + Secrets.redact(url)
        + ", keyPrefix="
        + keyPrefix
        + ", timeout="
        + timeout
        + "]";
  }
}
