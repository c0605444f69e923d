package dev.parley.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs a connection's frames of one kind one after the other, in the order they arrived: each
 * starts when the one before it has finished, whatever their I/O. For frames whose effects must not
 * be reordered (typing on/off, a status), where a cache miss on one and a hit on the next would
 * otherwise let the later frame win first. One entry per connection with a frame in progress.
 */
public final class InOrder {
  private final Map<String, Future<Void>> tails = new ConcurrentHashMap<>();

  /** Runs {@code action} once every earlier action of {@code connectionId} here has completed. */
  public <T> Future<T> run(String connectionId, Supplier<Future<T>> action) {
    Promise<Void> done = Promise.promise();
    Future<Void> previous = tails.put(connectionId, done.future());
    Future<Void> turn = previous == null ? Future.succeededFuture() : previous;
    return turn.compose(v -> action.get())
        .onComplete(
            ar -> {
              tails.remove(connectionId, done.future());
              done.complete();
            });
  }
}
