package dev.parley.loadgen.fanout;

import dev.parley.client.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Set-up steps run from the scenario's own thread (never an event loop), waiting on futures. */
public final class Blocking {
  private Blocking() {}

  public static <T> T await(Future<T> f, Duration timeout) throws Exception {
    return f.toCompletionStage()
        .toCompletableFuture()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code count} calls, at most {@code concurrency} at a time; returns their results in order. */
  public static <T> List<T> inWaves(
      int count, int concurrency, Duration timeout, IntFunction<Future<T>> call) throws Exception {
    List<T> out = new ArrayList<>(count);
    for (int from = 0; from < count; from += concurrency) {
      List<Future<T>> wave = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + concurrency); i++) {
        wave.add(call.apply(i));
      }
      await(Future.all(wave), timeout);
      for (Future<T> f : wave) {
        out.add(f.result());
      }
    }
    return out;
  }

  /** Attempts of {@link #retryUnavailable} before its failure stands. */
  private static final int UNAVAILABLE_ATTEMPTS = 8;

  /**
   * Runs an idempotent set-up call again while the server answers 503 {@code unavailable} (its
   * "retry shortly"), waiting 250 ms, 500 ms, … up to 4 s between attempts.
   */
  public static <T> Future<T> retryUnavailable(Vertx vertx, Supplier<Future<T>> call) {
    return attempt(vertx, call, 1);
  }

  private static <T> Future<T> attempt(Vertx vertx, Supplier<Future<T>> call, int n) {
    return call.get()
        .recover(
            e -> {
              if (!(e instanceof ApiError api)
                  || api.status() != 503
                  || n >= UNAVAILABLE_ATTEMPTS) {
                return Future.failedFuture(e);
              }
              Promise<T> next = Promise.promise();
              long wait = Math.min(4_000, 250L << (n - 1));
              vertx.setTimer(wait, t -> attempt(vertx, call, n + 1).onComplete(next));
              return next.future();
            });
  }
}
