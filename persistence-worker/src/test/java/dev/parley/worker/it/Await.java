package dev.parley.worker.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes; the failure says what was last seen. */
final class Await {
  private static final Duration POLL = Duration.ofMillis(50);

  private Await() {}

  static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
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
      Thread.sleep(POLL.toMillis()); // polling interval, bounded by the deadline above
    }
  }
}
