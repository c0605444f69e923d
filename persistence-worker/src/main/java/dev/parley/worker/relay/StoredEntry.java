package dev.parley.worker.relay;

import dev.parley.worker.batch.Delivery;

/**
 * An entry read straight from the stream by sequence (not delivered by the consumer): the previous
 * relay's unacknowledged entries, replayed at the start of a term. Nothing to ack: the consumer's
 * next ack covers it ({@code AckPolicy.All}).
 */
record StoredEntry(String stream, long streamSeq, String subject, byte[] data) implements Delivery {
  @Override
  public void ack() {}

  @Override
  public void inProgress() {}
}
