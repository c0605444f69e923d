package dev.parley.presence;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting in tests: for a future, or for a polled value to satisfy a condition, always with a deadline. */
final class Await {
  static final Duration DEFAULT = Duration.ofSeconds(15);

  private Await() {}

  static <T> T result(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not succeed within " + DEFAULT + ": " + e, e);
    }
  }

  /**
   * Polls {@code probe} (on Vert.x timers, every 50 ms) until its value satisfies {@code condition};
   * returns that value, or fails with the last value seen once {@code within} has passed.
   */
  static <T> T until(
      Vertx vertx, Duration within, Supplier<Future<T>> probe, Predicate<T> condition) {
    long deadline = System.nanoTime() + within.toNanos();
    Promise<T> done = Promise.promise();
    poll(vertx, deadline, probe, condition, done);
    try {
      return done.future()
          .toCompletionStage()
          .toCompletableFuture()
          .get(within.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e.getCause() != null ? e.getCause().getMessage() : e.toString(), e);
    }
  }

  static <T> T until(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> condition) {
    return until(vertx, DEFAULT, probe, condition);
  }

  private static <T> void poll(
      Vertx vertx,
      long deadline,
      Supplier<Future<T>> probe,
      Predicate<T> condition,
      Promise<T> done) {
    probe
        .get()
        .onComplete(
            ar -> {
              if (ar.succeeded() && condition.test(ar.result())) {
                done.complete(ar.result());
              } else if (System.nanoTime() > deadline) {
                Object seen = ar.succeeded() ? ar.result() : ar.cause();
                done.fail(
                    new AssertionError(
                        "condition not met before the deadline; last seen: " + seen));
              } else {
                vertx.setTimer(50, t -> poll(vertx, deadline, probe, condition, done));
              }
            });
  }
}
