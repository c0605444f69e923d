package dev.parley.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in tests for an outcome, never for a stretch of time: a condition is polled until it
 * holds or a deadline passes, and the failure says what was last seen. From the test thread; the
 * {@link Vertx} form polls on timers, for probes that are futures.
 */
public final class Await {
  /** How long a wait lasts when a test does not say. */
  public static final Duration DEFAULT = Duration.ofSeconds(15);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Await() {}

  /**
   * Polls {@code probe} until it answers non-null, and returns that; past {@code deadlineNanos}
   * ({@link System#nanoTime()}) fails with {@code failure}'s text.
   */
  public static <T> T until(Supplier<T> probe, long deadlineNanos, Supplier<String> failure) {
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new AssertionError("timed out: " + failure.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * Polls {@code condition} until it is true; a condition that throws counts as not yet. Past
   * {@code timeout} fails naming {@code what}, with the last exception as the cause.
   */
  public static void until(String what, Duration timeout, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        if (condition.call()) {
          return;
        }
        last = null;
      } catch (Exception | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what, last);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** The result of {@code future}, or a failure if it fails or takes longer than {@link #DEFAULT}. */
  public static <T> T result(Future<T> future) {
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
   * Polls {@code probe} (on Vert.x timers, every 50 ms) until its value satisfies {@code
   * condition}; returns that value, or fails with the last value seen once {@code within} has
   * passed.
   */
  public static <T> T until(
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

  /** As above, within {@link #DEFAULT}. */
  public static <T> T until(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> condition) {
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
