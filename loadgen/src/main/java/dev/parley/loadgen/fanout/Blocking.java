package dev.parley.loadgen.fanout;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

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
}
