package dev.parley.gateway.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The gateway's one Redis connection: readiness ("is Redis reachable") and the WebSocket tickets
 * use it. Redis being down degrades presence and tickets only; messaging goes on, so nothing else
 * waits on it. Connects on first use and again after a failed connect (Lettuce reconnects an
 * established connection by itself).
 */
public final class RedisProbe {
  private final RedisClient client;
  private final RedisURI uri;
  private Future<StatefulRedisConnection<String, String>> connecting;

  /** {@code timeout}: how long one command may take (PARLEY_REDIS_TIMEOUT). */
  public RedisProbe(String url, Duration timeout) {
    this.uri = RedisURI.create(url);
    this.uri.setTimeout(timeout);
    this.client = RedisClient.create();
  }

  public Future<?> ping(Vertx vertx) {
    return commands(vertx)
        .compose(c -> Future.fromCompletionStage(c.ping(), vertx.getOrCreateContext()));
  }

  /** Non-blocking commands; callers bound each with a timeout (commands wait while Redis is away). */
  public Future<RedisAsyncCommands<String, String>> commands(Vertx vertx) {
    return connection(vertx).map(StatefulRedisConnection::async);
  }

  private synchronized Future<StatefulRedisConnection<String, String>> connection(Vertx vertx) {
    Future<StatefulRedisConnection<String, String>> c = connecting;
    if (c == null || c.failed() || (c.succeeded() && !c.result().isOpen())) {
      c =
          Future.fromCompletionStage(
              client.connectAsync(StringCodec.UTF8, uri), vertx.getOrCreateContext());
      connecting = c;
    }
    return c;
  }

  public synchronized void close() {
    Future<StatefulRedisConnection<String, String>> c = connecting;
    if (c == null || !c.succeeded()) {
      client.shutdownAsync();
    } else {
      // closing the connection first keeps the client's shutdown from warning about it
      c.result().closeAsync().whenComplete((v, e) -> client.shutdownAsync());
    }
  }
}
