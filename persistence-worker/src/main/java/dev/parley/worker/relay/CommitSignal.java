package dev.parley.worker.relay;

import java.time.Duration;

/**
 * Rung by this worker's persistence loop each time it acks a committed batch, so a relay waiting
 * for the persistence consumer's ack floor looks again at once instead of at its next poll. Other
 * workers' commits are seen by the poll alone.
 */
public final class CommitSignal implements Runnable {
  private long generation;

  /** A batch was committed and acked. */
  @Override
  public synchronized void run() {
    generation++;
    notifyAll();
  }

  synchronized long generation() {
    return generation;
  }

  /** Waits until a commit after {@code seen}, or {@code max} passes. */
  synchronized void awaitAfter(long seen, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    for (long left = max.toNanos();
        generation == seen && left > 0;
        left = end - System.nanoTime()) {
      wait(Math.max(1, left / 1_000_000), 0);
    }
  }
}
