package dev.parley.worker.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Groups stream entries into batches: a batch closes when it holds {@code max} entries or when
 * {@code maxWait} has passed since its first entry, whichever comes first. Under load batches fill
 * up (few, large transactions); when quiet a lone message waits at most {@code maxWait}.
 */
public final class BatchAssembler {
  private final DeliverySource source;
  private final int max;
  private final long maxWaitNanos;
  private final Duration idlePoll;
  private final LongSupplier nanoClock;

  /**
   * @param idlePoll how long one call waits for a first entry before returning an empty batch, so
   *     the caller can look at its stop flag; the wait blocks, it never spins
   */
  public BatchAssembler(
      DeliverySource source, int max, Duration maxWait, Duration idlePoll, LongSupplier nanoClock) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
    this.source = source;
    this.max = max;
    this.maxWaitNanos = maxWait.toNanos();
    this.idlePoll = idlePoll;
    this.nanoClock = nanoClock;
  }

  /** The next batch; empty when nothing arrived within the idle poll. */
  public List<Delivery> next() throws InterruptedException {
    Delivery first = source.next(idlePoll);
    if (first == null) {
      return List.of();
    }
    List<Delivery> batch = new ArrayList<>(Math.min(max, 64));
    batch.add(first);
    long deadline = nanoClock.getAsLong() + maxWaitNanos;
    while (batch.size() < max) {
      long left = deadline - nanoClock.getAsLong();
      if (left <= 0) {
        break;
      }
      Delivery next = source.next(Duration.ofNanos(left));
      if (next == null) {
        break;
      }
      batch.add(next);
    }
    return batch;
  }
}
