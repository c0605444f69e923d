package dev.parley.worker.batch;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th retry waits between half and all of
 * {@code min(initial * 2^(n-1), max)}. The jitter keeps several workers that failed together from
 * hitting a recovering Postgres in lockstep; the floor keeps a retry from coming too soon.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final DoubleSupplier random;

  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The longest wait between retries. */
  public Duration max() {
    return Duration.ofMillis(maxMillis);
  }

  /** The wait before retry number {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, 30);
    long ceiling = Math.min(maxMillis, initialMillis << doublings);
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }
}
