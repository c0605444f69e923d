package dev.parley.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets of one action kept in this gateway node's memory: what {@link RateLimiter} counts
 * on while Redis cannot answer. A refused take costs nothing, so a client that retries after the
 * advised wait gets through.
 */
final class LocalBuckets {
  private final double capacity;
  private final double tokensPerNano;
  private final LongSupplier nanoClock;

  /** A bucket untouched long enough to be full again is forgotten: dropping it changes nothing. */
  private final Cache<String, Bucket> buckets;

  LocalBuckets(Rate rate, LongSupplier nanoClock) {
    this.capacity = rate.capacity();
    this.tokensPerNano = rate.tokensPerMilli() / 1_000_000;
    this.nanoClock = nanoClock;
    this.buckets =
        Caffeine.newBuilder()
            .expireAfterAccess(rate.refillTime().plus(Duration.ofSeconds(1)))
            .build();
  }

  /**
   * Takes {@code cost} tokens from the user's bucket.
   *
   * @return 0 when they were taken; otherwise the milliseconds (at least 1) until they could be
   */
  long take(String userId, long cost) {
    Bucket bucket = buckets.get(userId, id -> new Bucket(capacity, nanoClock.getAsLong()));
    // several event loops may serve one user's connections: the bucket is their one shared state
    synchronized (bucket) {
      long now = nanoClock.getAsLong();
      bucket.tokens =
          Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.refilledAt) * tokensPerNano);
      bucket.refilledAt = now;
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((cost - bucket.tokens) / tokensPerNano / 1_000_000));
    }
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long refilledAt) {
      this.tokens = tokens;
      this.refilledAt = refilledAt;
    }
  }
}
