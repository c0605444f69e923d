package dev.parley.worker.batch;

import java.time.Duration;

/** Where the fetch loop takes stream entries from. Blocking: call it from the fetch thread only. */
public interface DeliverySource extends AutoCloseable {

  /** The next entry, or null when none arrived within {@code timeout}. */
  Delivery next(Duration timeout) throws InterruptedException;

  /** Stops pulling; entries already handed out stay unacked and are redelivered later. */
  @Override
  void close();
}
