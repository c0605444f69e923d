package dev.parley.system;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: waiting for an outcome, not for time. */
public final class Await {
  private Await() {}

  public static <T> T until(Supplier<T> probe, long deadlineNanos, Supplier<String> failure) {
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new AssertionError("timed out: " + failure.get());
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }
}
