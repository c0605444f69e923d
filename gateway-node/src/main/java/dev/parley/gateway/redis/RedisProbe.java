package dev.parley.gateway.redis;

import dev.parley.contract.config.RedisSettings;
import dev.parley.contract.redis.RedisConnection;
import dev.parley.contract.redis.RedisConnector;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The gateway's one Redis connection (a single server or a Redis Cluster): readiness ("is Redis
 * reachable") and the WebSocket tickets use it. Redis being down degrades presence and tickets only;
 * messaging goes on, so nothing else waits on it. Connects on first use and again after a failed
 * connect (Lettuce reconnects an established connection by itself).
 */
public final class RedisProbe {
  private final RedisConnector client;
  private Future<RedisConnection> connecting;

  /** {@code settings.timeout()}: how long one command may take (PARLEY_REDIS_TIMEOUT). */
  public RedisProbe(RedisSettings settings) {
    this.client =
        RedisConnector.create(
            settings,
            null,
            ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
  }

  public Future<?> ping(Vertx vertx) {
    return commands(vertx)
        .compose(c -> Future.fromCompletionStage(c.ping(), vertx.getOrCreateContext()));
  }

  /** Non-blocking commands; callers bound each with a timeout (commands wait while Redis is away). */
  public Future<RedisClusterAsyncCommands<String, String>> commands(Vertx vertx) {
    return connection(vertx).map(RedisConnection::commands);
  }

  private synchronized Future<RedisConnection> connection(Vertx vertx) {
    Future<RedisConnection> c = connecting;
    if (c == null || c.failed() || (c.succeeded() && !c.result().isOpen())) {
      c = Future.fromCompletionStage(client.connect(), vertx.getOrCreateContext());
      connecting = c;
    }
    return c;
  }

  public synchronized void close() {
    Future<RedisConnection> c = connecting;
    if (c == null || !c.succeeded()) {
      client.shutdown();
    } else {
      // closing the connection first keeps the client's shutdown from warning about it
      c.result().closeAsync().whenComplete((v, e) -> client.shutdown());
    }
  }
}
