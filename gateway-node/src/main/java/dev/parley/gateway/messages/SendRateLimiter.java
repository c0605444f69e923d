package dev.parley.gateway.messages;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Sends per user: a token bucket holding up to {@code burst} sends, refilled at
 * {@code ratePerSecond}. A refused send takes no token, so a client that retries after the
 * advised wait gets through.
 *
 * <p>The buckets live in this gateway node only: a user whose connections span several nodes may
 * send up to that many times the rate. That keeps the send path free of a shared counter (a Redis
 * round trip per send, and sends failing when Redis is down, which the design forbids); a load
 * balancer that keeps a user on one node makes the limit exact.
 */
public final class SendRateLimiter {
  private final double tokensPerNano;
  private final double burst;
  private final LongSupplier nanoClock;
  /** A bucket untouched long enough to be full again is forgotten: dropping it changes nothing. */
  private final Cache<String, Bucket> buckets;

  public SendRateLimiter(int ratePerSecond, int burst) {
    this(ratePerSecond, burst, System::nanoTime);
  }

  SendRateLimiter(int ratePerSecond, int burst, LongSupplier nanoClock) {
    if (ratePerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be at least 1");
    }
    this.tokensPerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    long refillSeconds = (burst + ratePerSecond - 1) / ratePerSecond;
    this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofSeconds(refillSeconds + 1)).build();
  }

  /**
   * Takes one send from the user's bucket.
   *
   * @return 0 when the send may go; otherwise the milliseconds (at least 1) until it may
   */
  public long tryAcquire(String userId) {
    Bucket bucket = buckets.get(userId, id -> new Bucket(burst, nanoClock.getAsLong()));
    // several event loops may serve one user's connections: the bucket is their one shared state
    synchronized (bucket) {
      long now = nanoClock.getAsLong();
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.refilledAt) * tokensPerNano);
      bucket.refilledAt = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / tokensPerNano / 1_000_000));
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
