package dev.parley.gateway.concurrent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;

/**
 * Runs work on the context that owns some state, from any thread, and hands back its result: the
 * way the hub and the typing tracker keep their state on one event loop without locks.
 */
public final class OnContext {
  private OnContext() {}

  /** Calls {@code action} on {@code owner}; the future fails with whatever it throws. */
  public static <T> Future<T> call(Context owner, Callable<T> action) {
    Promise<T> p = Promise.promise();
    owner.runOnContext(
        v -> {
          try {
            p.complete(action.call());
          } catch (Exception e) {
            p.fail(e);
          }
        });
    return p.future();
  }
}
