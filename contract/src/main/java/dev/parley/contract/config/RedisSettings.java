package dev.parley.contract.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Where Redis is, whether it is a Redis Cluster, the key prefix that keeps deployments (and test
 * runs) apart, and how long one Redis command (or connection attempt) may take.
 *
 * <p>{@code url} is one {@code redis://} or {@code rediss://} URL, or, for a cluster, a
 * comma-separated list of seed nodes (any reachable one is enough to learn the rest).
 */
public record RedisSettings(String url, boolean cluster, String keyPrefix, Duration timeout) {

  public static RedisSettings fromEnv(Env env) {
    String url = env.string("PARLEY_REDIS_URL", "redis://127.0.0.1:6379");
    boolean cluster = env.bool("PARLEY_REDIS_CLUSTER", false);
    List<String> urls = split(url);
    for (String one : urls) {
      if (!one.startsWith("redis://") && !one.startsWith("rediss://")) {
        throw new ConfigException(
            "PARLEY_REDIS_URL=" + Secrets.redact(url) + " must start with redis:// or rediss://");
      }
    }
    if (urls.size() > 1 && !cluster) {
      throw new ConfigException(
          "PARLEY_REDIS_URL lists "
              + urls.size()
              + " nodes: several are only read as the seeds of a Redis Cluster (PARLEY_REDIS_CLUSTER=true)");
    }
    Duration timeout = env.duration("PARLEY_REDIS_TIMEOUT", Duration.ofSeconds(2));
    if (timeout.isZero()) {
      throw new ConfigException("PARLEY_REDIS_TIMEOUT must be longer than zero");
    }
    String keyPrefix = env.string("PARLEY_REDIS_KEY_PREFIX", "parley");
    // a brace in the prefix would become the hash tag of every key, putting them all in one slot
    if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
      throw new ConfigException(
          "PARLEY_REDIS_KEY_PREFIX=" + keyPrefix + " must be non-empty, without { or }");
    }
    return new RedisSettings(url, cluster, keyPrefix, timeout);
  }

  /** The URLs of {@link #url()}: one, or a cluster's seed nodes. */
  public List<String> urls() {
    return split(url);
  }

  private static List<String> split(String url) {
    return Arrays.stream(url.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** The URL may hold a password: never printed. */
  @Override
  public String toString() {
    return "RedisSettings[url="
        + Secrets.redact(url)
        + ", cluster="
        + cluster
        + ", keyPrefix="
        + keyPrefix
        + ", timeout="
        + timeout
        + "]";
  }
}
