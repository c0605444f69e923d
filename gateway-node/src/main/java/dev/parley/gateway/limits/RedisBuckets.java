package dev.parley.gateway.limits;

import dev.parley.contract.config.RedisSettings;
import dev.parley.contract.redis.RedisConnection;
import dev.parley.contract.redis.RedisConnector;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets kept in Redis, shared by every gateway node: one hash per user and action, taken
 * from by one Lua script (EVALSHA, EVAL when Redis does not know it yet), so N nodes never give a
 * user N times the rate. The clock is Redis's own ({@code TIME}), so nodes' clocks do not matter.
 *
 * <p>Keys are {@code <prefix>:rl:{<user>}:<action>}: the braces are a hash tag, so a user's buckets
 * share one slot on a Redis Cluster; the script touches its one key, passed in KEYS. Every call is asynchronous and bounded by a short
 * timeout; a failure is the caller's cue to count locally ({@link RateLimiter}).
 */
final class RedisBuckets {
  /**
   * KEYS[1] the bucket; ARGV capacity, tokens per millisecond, cost. Returns 0 when the cost was
   * taken, else the milliseconds until it could be (nothing is taken then). The key expires once
   * the bucket would be full again: a missing key and a full bucket are the same.
   */
  static final String SCRIPT =
      """
      local capacity = tonumber(ARGV[1])
      local rate = tonumber(ARGV[2])
      local cost = tonumber(ARGV[3])
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1])
      local at = tonumber(state[2])
      if tokens == nil or at == nil then
        tokens = capacity
        at = now
      end
      tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
      local wait = 0
      if tokens >= cost then
        tokens = tokens - cost
      else
        wait = math.max(1, math.ceil((cost - tokens) / rate))
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
      return wait
      """;

  private static final String SHA = sha1(SCRIPT);

  /** Between two attempts to (re)connect after a first connection failed. */
  private static final long CONNECT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Vertx vertx;
  private final RedisSettings settings;
  private final String keyPrefix;
  private final Duration timeout;
  private volatile RedisConnector client;
  private volatile Future<RedisConnection> connection;
  private volatile long lastConnectAttempt;

  RedisBuckets(Vertx vertx, RedisSettings settings, Duration timeout) {
    this.vertx = vertx;
    this.settings = settings;
    this.keyPrefix = settings.keyPrefix();
    this.timeout = timeout;
  }

  /**
   * Builds the client (lettuce's thread pools: slow on a cold JVM, so on a worker thread) and makes
   * the first connection attempt; completes either way (Redis may be down when the node starts).
   */
  Future<Void> start() {
    return vertx
        .executeBlocking(
            () -> {
              client =
                  RedisConnector.create(
                      settings,
                      null,
                      ClientOptions.builder()
                          .autoReconnect(true)
                          // while the link is down, fail at once (the caller counts locally)
                          // instead of
                          // queueing
                          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                          .timeoutOptions(TimeoutOptions.enabled(timeout))
                          .socketOptions(
                              SocketOptions.builder()
                                  .connectTimeout(timeout.multipliedBy(4))
                                  .build())
                          .build());
              return null;
            })
        .compose(v -> connect().<Void>transform(ar -> Future.succeededFuture()));
  }

  String key(LimitedAction action, String userId) {
    return keyPrefix + ":rl:{" + userId + "}:" + action.key();
  }

  /** Takes {@code cost} tokens: 0, or the milliseconds until they could be taken; fails when Redis cannot answer in time. */
  Future<Long> take(LimitedAction action, Rate rate, String userId, long cost) {
    Context context = vertx.getOrCreateContext();
    String[] keys = {key(action, userId)};
    String[] args = {
      Long.toString(rate.capacity()), Double.toString(rate.tokensPerMilli()), Long.toString(cost)
    };
    return connected(context)
        .compose(
            c ->
                Future.<Long>fromCompletionStage(
                        c.commands().evalsha(SHA, ScriptOutputType.INTEGER, keys, args), context)
                    .recover(
                        e ->
                            e instanceof RedisNoScriptException
                                ? Future.fromCompletionStage(
                                    c.commands()
                                        .<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, args),
                                    context)
                                : Future.failedFuture(e)))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Future<RedisConnection> connected(Context context) {
    Future<RedisConnection> c = connection;
    if (c == null || c.failed() && System.nanoTime() - lastConnectAttempt > CONNECT_RETRY_NANOS) {
      c = connect();
    }
    if (c == null) {
      return Future.failedFuture(new IllegalStateException("the redis client is not started yet"));
    }
    // lettuce reconnects an established connection by itself; REJECT_COMMANDS fails calls meanwhile
    return c.isComplete()
        ? c
        : Future.failedFuture(new IllegalStateException("still connecting to redis"));
  }

  private synchronized Future<RedisConnection> connect() {
    RedisConnector c = client;
    if (c == null) {
      return null;
    }
    Future<RedisConnection> current = connection;
    if (current != null && (!current.isComplete() || current.succeeded())) {
      return current;
    }
    lastConnectAttempt = System.nanoTime();
    // the script is loaded with the connection, so the first check is one round trip like the rest
    connection =
        Future.fromCompletionStage(c.connect())
            .compose(
                conn ->
                    Future.fromCompletionStage(conn.commands().scriptLoad(SCRIPT))
                        .<Void>transform(ar -> Future.succeededFuture())
                        .map(conn));
    return connection;
  }

  Future<Void> close() {
    RedisConnector c = client;
    Future<RedisConnection> conn = connection;
    Future<Void> closing =
        conn == null || !conn.succeeded()
            ? Future.succeededFuture()
            : Future.fromCompletionStage(conn.result().closeAsync());
    return closing
        .eventually(
            () -> c == null ? Future.succeededFuture() : Future.fromCompletionStage(c.shutdown()))
        .mapEmpty();
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
