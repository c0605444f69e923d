package dev.parley.client;

import java.util.function.LongUnaryOperator;

/**
 * Reconnect delays that grow and have jitter (docs/api.md: "a backoff that grows and has
 * jitter"), so clients of a gateway that went away do not all come back in the same instant. Each
 * failure doubles the ceiling up to {@code maxMs}; the delay is drawn from the upper half of it.
 * Owned by one connection, on its event loop.
 */
final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final LongUnaryOperator random;
  private long ceilingMs;

  /** {@code random.applyAsLong(n)}: a number in [0, n]. */
  Backoff(long baseMs, long maxMs, LongUnaryOperator random) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The delay before the next attempt; each call grows the next one. */
  long next() {
    ceilingMs = ceilingMs == 0 ? baseMs : Math.min(maxMs, ceilingMs * 2);
    return ceilingMs / 2 + random.applyAsLong(ceilingMs / 2);
  }

  /** After a success: the next failure starts small again. */
  void reset() {
    ceilingMs = 0;
  }
}
