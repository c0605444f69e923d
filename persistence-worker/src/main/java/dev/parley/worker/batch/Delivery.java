package dev.parley.worker.batch;

/**
 * One stream entry handed to this worker, not yet acknowledged. Implementations are thread-safe:
 * the fetch thread acks, and signals progress while it holds a batch it cannot store yet.
 */
public interface Delivery {

  String subject();

  byte[] data();

  /** The entry's stream sequence: its {@code seq}. */
  long streamSeq();

  /** Stored (or deliberately set aside): the stream may forget it for this consumer. */
  void ack();

  /** Still working on it: restart the redelivery timer. */
  void inProgress();
}
