package dev.parley.worker.batch;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tells the fetch thread to stop, and wakes it from a retry wait when it does. */
public final class StopSignal {
  private final CountDownLatch latch = new CountDownLatch(1);

  public void stop() {
    latch.countDown();
  }

  public boolean isStopped() {
    return latch.getCount() == 0;
  }

  /** Waits up to {@code timeout}; true when stopped (now or during the wait). */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
