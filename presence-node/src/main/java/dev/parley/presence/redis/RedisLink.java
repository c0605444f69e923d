package dev.parley.presence.redis;

import dev.parley.contract.config.RedisSettings;
import dev.parley.contract.redis.RedisConnection;
import dev.parley.contract.redis.RedisConnector;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lettuce connection to Redis (a single server or a Redis Cluster, as the settings say), used
 * from Vert.x: every command is asynchronous and its result comes back on the caller's context.
 *
 * <p>Redis may be down when the node starts: the first connection is retried with backoff in the
 * background (lettuce's own reconnect takes over once connected). Meanwhile, and whenever the
 * connection is down, commands fail fast with {@link RedisUnavailableException} or lettuce's error
 * rather than queueing without bound. Each failure is counted; warnings are throttled.
 */
public final class RedisLink {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  /**
   * Lettuce reconnects after 100 ms, doubling to 5 s: presence heals with the next heartbeat once
   * Redis is back, so a quick reconnect is all that matters. A retry policy, not a setting.
   */
  private static final Duration RECONNECT_FIRST = Duration.ofMillis(100);

  private static final Duration RECONNECT_MAX = Duration.ofSeconds(5);

  private static final long FIRST_RETRY_MS = 500;
  private static final long MAX_RETRY_MS = 10_000;

  private final Vertx vertx;
  private final RedisSettings settings;
  private final String where;
  private final Duration commandTimeout;
  private final Consumer<String> failureCounter;
  private final BackoffWarning warning = new BackoffWarning(log, "redis");
  private volatile ClientResources resources;
  private volatile RedisConnector client;
  private volatile RedisConnection connection;
  private volatile boolean closed;
  private volatile boolean attempted;
  private long retryTimer = -1;
  private long retryDelayMs = FIRST_RETRY_MS;

  private RedisLink(
      Vertx vertx,
      RedisSettings settings,
      Duration commandTimeout,
      Consumer<String> failureCounter) {
    this.vertx = vertx;
    this.settings = settings;
    this.where = RedisConnector.describe(settings);
    this.commandTimeout = commandTimeout;
    this.failureCounter = failureCounter;
  }

  // Lettuce's first use builds thread pools and loads a lot of classes: seconds on a cold JVM, so
  // this runs on a worker thread, never on an event loop.
  private void createClient() {
    // Reconnect quickly once Redis is back: presence heals with the next heartbeat.
    resources =
        ClientResources.builder()
            .reconnectDelay(
                Delay.exponential(RECONNECT_FIRST, RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
            .build();
    client =
        RedisConnector.create(
            settings,
            resources,
            ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                .build());
  }

  /**
   * A link to the Redis (or Redis Cluster) of {@code settings}. Commands time out after {@code
   * commandTimeout}; {@code failureCounter} is told the operation name of each failed command.
   */
  public static RedisLink create(
      Vertx vertx,
      RedisSettings settings,
      Duration commandTimeout,
      Consumer<String> failureCounter) {
    return new RedisLink(vertx, settings, commandTimeout, failureCounter);
  }

  /**
   * Makes the first connection attempt. Completes with {@code true} once connected, or {@code false}
   * if Redis is unreachable now; then attempts go on in the background with backoff.
   */
  public Future<Boolean> connect() {
    Promise<Boolean> first = Promise.promise();
    vertx
        .executeBlocking(
            () -> {
              createClient();
              return null;
            })
        .onSuccess(v -> attempt(first))
        .onFailure(first::fail);
    return first.future();
  }

  private void attempt(Promise<Boolean> first) {
    if (closed) {
      first.tryComplete(false);
      return;
    }
    Context context = vertx.getOrCreateContext();
    vertx
        .executeBlocking(() -> client.connect())
        .compose(connecting -> Future.fromCompletionStage(connecting, context))
        .onSuccess(
            c -> {
              if (closed) {
                c.closeAsync();
                first.tryComplete(false);
                return;
              }
              connection = c;
              attempted = true;
              log.info("connected to redis at {}", where);
              warning.succeeded();
              first.tryComplete(true);
            })
        .onFailure(
            e -> {
              attempted = true;
              failureCounter.accept("connect");
              log.warn(
                  "redis at {} unreachable ({}); retrying in {} ms",
                  where,
                  e.getMessage(),
                  retryDelayMs);
              retryTimer = vertx.setTimer(retryDelayMs, t -> attempt(first));
              retryDelayMs = Math.min(retryDelayMs * 2, MAX_RETRY_MS);
              first.tryComplete(false);
            });
  }

  /**
   * Runs one command; the result arrives on the calling context. {@code operation} names it in
   * metrics, {@code context} (user, node...) in the warning if it fails.
   */
  public <T> Future<T> call(
      String operation,
      String context,
      Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
    Future<T> result;
    RedisConnection c = connection;
    if (c == null && !attempted) {
      // Still making the first attempt: not a failure yet (readiness asks meanwhile).
      return Future.failedFuture(new RedisUnavailableException("connecting to redis at " + where));
    } else if (c == null) {
      result =
          Future.failedFuture(new RedisUnavailableException("not connected to redis at " + where));
    } else {
      try {
        result =
            Future.fromCompletionStage(command.apply(c.commands()), vertx.getOrCreateContext());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
    }
    return result.andThen(ar -> account(operation, context, ar));
  }

  private void account(String operation, String context, AsyncResult<?> ar) {
    if (ar.succeeded()) {
      warning.succeeded();
    } else if (!(ar.cause() instanceof RedisNoScriptException)) {
      // NOSCRIPT is not a failure: the script is sent again with EVAL.
      failureCounter.accept(operation);
      warning.failed(operation + " (" + context + ")", ar.cause());
    }
  }

  /**
   * Whether a failure came from Redis or the link (already counted and warned about by
   * {@link #call}), as opposed to a bug in the code handling a reply.
   */
  public static boolean isRedisFailure(Throwable e) {
    return e instanceof RedisException || e instanceof RedisUnavailableException;
  }

  /**
   * The cluster slot of {@code key}, or 0 for every key on a single server: keys one script touches
   * must share it.
   */
  public int slotOf(String key) {
    return settings.cluster() ? SlotHash.getSlot(key) : 0;
  }

  /** Readiness probe: a PING answered within the command timeout. */
  public Future<Void> ping() {
    return call("ping", "readiness", RedisClusterAsyncCommands::ping).mapEmpty();
  }

  /** Stops retrying, closes the connection, then the client and its threads. */
  public Future<Void> close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    RedisConnection c = connection;
    connection = null;
    Future<Void> closing =
        c == null ? Future.succeededFuture() : Future.fromCompletionStage(c.closeAsync());
    return closing
        .eventually(
            () ->
                client == null
                    ? Future.succeededFuture()
                    : Future.fromCompletionStage(client.shutdown()))
        .eventually(() -> resources == null ? Future.succeededFuture() : shutdownResources());
  }

  private Future<Void> shutdownResources() {
    Promise<Void> done = Promise.promise();
    resources
        .shutdown()
        .addListener(
            f -> {
              if (f.isSuccess()) {
                done.complete();
              } else {
                done.fail(f.cause());
              }
            });
    return done.future();
  }
}
