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

  /**
   * {@code result}'s outcome, handed over on {@code owner}: what is chained on the returned future
   * runs there, whichever thread completed {@code result} (e.g. a database read answered on the
   * pool's own event loop), so it may touch the owner's state.
   */
  public static <T> Future<T> backOn(Context owner, Future<T> result) {
    Promise<T> p = Promise.promise();
    result.onComplete(ar -> owner.runOnContext(v -> p.handle(ar)));
    return p.future();
  }
}
