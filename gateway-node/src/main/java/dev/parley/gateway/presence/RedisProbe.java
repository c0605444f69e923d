package dev.parley.gateway.presence;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Answers "is Redis reachable" for readiness. Redis being down degrades presence only; messaging
 * goes on, so this never blocks anything but {@code /ready}.
 */
public final class RedisProbe {
  private final RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection;

  private final RedisURI uri;

  public RedisProbe(String url) {
    this.uri = RedisURI.create(url);
    this.uri.setTimeout(Duration.ofSeconds(2));
    this.client = RedisClient.create();
  }

  public Future<?> ping(Vertx vertx) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || !c.isOpen()) {
      return Future.fromCompletionStage(client.connectAsync(StringCodec.UTF8, uri), vertx.getOrCreateContext())
          .compose(conn -> {
            connection = conn;
            return Future.fromCompletionStage(conn.async().ping(), vertx.getOrCreateContext());
          });
    }
    return Future.fromCompletionStage(c.async().ping(), vertx.getOrCreateContext());
  }

  public void close() {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) {
      client.shutdownAsync();
    } else {
      // closing the connection first keeps the client's shutdown from warning about it
      c.closeAsync().whenComplete((v, e) -> client.shutdownAsync());
    }
  }
}
