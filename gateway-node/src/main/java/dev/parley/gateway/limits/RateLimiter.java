package dev.parley.gateway.limits;

import dev.parley.contract.config.RedisSettings;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.gateway.failure.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every per-user rate limit, for every action: one call, {@link #acquire}, answers "go" or fails
 * with {@code rate_limited} and the wait (429 + Retry-After on REST, {@code retry_after_ms} on
 * WebSocket).
 *
 * <p>The buckets live in Redis ({@link RedisBuckets}), so the limit holds per user across the whole
 * cluster. When Redis fails or is slower than its short timeout, this node counts in its own
 * memory instead ({@link LocalBuckets}, the same rates, so a user spread over N nodes may then get
 * up to N times the rate) and tries Redis again once a second: a Redis outage never refuses every
 * call, and never makes each call wait out the timeout. Entering and leaving that mode logs one
 * WARN / INFO and shows in {@code parley_rate_limit_fallback} (1 while counting locally).
 */
public final class RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

  /** While counting locally, how often one call tries Redis again. */
  private static final long RETRY_REDIS_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Map<LimitedAction, Rate> rates;
  private final Map<LimitedAction, LocalBuckets> local = new EnumMap<>(LimitedAction.class);
  private final RedisBuckets redis;
  private final MeterRegistry registry;
  private final Counter localDecisions;
  private final Counter fallbacks;

  /** Guarded by this: whether Redis is being skipped, and when it may be tried next. */
  private boolean fallingBack;

  private long retryRedisAt;

  public RateLimiter(
      Vertx vertx,
      Map<LimitedAction, Rate> rates,
      RedisSettings redisSettings,
      Duration redisTimeout,
      MeterRegistry registry) {
    this.rates = new EnumMap<>(rates);
    for (LimitedAction action : LimitedAction.values()) {
      Rate rate = this.rates.get(action);
      if (rate == null) {
        throw new IllegalArgumentException("no rate for " + action);
      }
      local.put(action, new LocalBuckets(rate, System::nanoTime));
    }
    this.redis = new RedisBuckets(vertx, redisSettings, redisTimeout);
    this.registry = registry;
    Gauge.builder("parley_rate_limit_fallback", this, l -> l.isFallingBack() ? 1 : 0)
        .description(
            "1 while this node counts rate limits in its own memory because Redis cannot answer")
        .register(registry);
    this.fallbacks =
        Counter.builder("parley_rate_limit_fallbacks_total")
            .description("times this node switched to counting rate limits locally")
            .register(registry);
    this.localDecisions =
        Counter.builder("parley_rate_limit_local_decisions_total")
            .description("rate limit decisions made by this node's own buckets (Redis unavailable)")
            .register(registry);
  }

  /** Connects to Redis in the background; until it answers, limits are counted locally. */
  public Future<Void> start() {
    return redis.start();
  }

  public Future<Void> close() {
    return redis.close();
  }

  /** One unit of {@code action} (a send, an edit...). */
  public Future<Void> acquire(LimitedAction action, String userId) {
    return acquire(action, userId, 1);
  }

  /**
   * {@code cost} units of {@code action} (bytes of an upload). Fails with {@code rate_limited}
   * carrying the milliseconds until they could be had; a refusal takes nothing.
   */
  public Future<Void> acquire(LimitedAction action, String userId, long cost) {
    Rate rate = rates.get(action);
    Future<Long> wait =
        tryRedis()
            ? redis
                .take(action, rate, userId, cost)
                .transform(
                    ar -> {
                      if (ar.succeeded()) {
                        redisAnswered();
                        return Future.succeededFuture(ar.result());
                      }
                      redisFailed(ar.cause());
                      return Future.succeededFuture(takeLocally(action, userId, cost));
                    })
            : Future.succeededFuture(takeLocally(action, userId, cost));
    return wait.compose(
        ms -> ms <= 0 ? Future.succeededFuture() : Future.failedFuture(refusal(action, ms)));
  }

  private long takeLocally(LimitedAction action, String userId, long cost) {
    localDecisions.increment();
    return local.get(action).take(userId, cost);
  }

  private ApiException refusal(LimitedAction action, long ms) {
    Counter.builder("parley_rate_limited_total")
        .description("calls refused by a per-user rate limit, by action")
        .tag("action", action.key())
        .register(registry)
        .increment();
    return new ApiException(
        ErrorCode.RATE_LIMITED, "too many " + action.noun() + "; retry in " + ms + " ms", ms, null);
  }

  private synchronized boolean tryRedis() {
    if (!fallingBack) {
      return true;
    }
    long now = System.nanoTime();
    if (now - retryRedisAt < 0) {
      return false;
    }
    retryRedisAt = now + RETRY_REDIS_NANOS; // this call is the one retry until then
    return true;
  }

  private synchronized void redisAnswered() {
    if (fallingBack) {
      fallingBack = false;
      log.info("rate limits are shared through Redis again");
    }
  }

  private synchronized void redisFailed(Throwable e) {
    retryRedisAt = System.nanoTime() + RETRY_REDIS_NANOS;
    if (!fallingBack) {
      fallingBack = true;
      fallbacks.increment();
      log.warn(
          "Redis did not answer a rate limit check ({}); counting limits on this node only until it does",
          e.toString());
    }
  }

  private synchronized boolean isFallingBack() {
    return fallingBack;
  }
}
