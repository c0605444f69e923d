package dev.parley.worker.batch;

import java.util.List;
import java.util.Map;

/**
 * One stream entry handed to this worker, not yet acknowledged. Implementations are thread-safe:
 * the fetch thread acks, and signals progress while it holds a batch it cannot store yet.
 */
public interface Delivery {

  String subject();

  byte[] data();

  /**
   * The entry's headers, each name with its values in order; kept with a dead letter so a replay
   * can send the entry as it was. None for an entry read by sequence rather than delivered.
   */
  default Map<String, List<String>> headers() {
    return Map.of();
  }

  /** The first value of header {@code name}, or null. */
  default String header(String name) {
    List<String> values = headers().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * The stream holding the entry: with {@code PARLEY_STREAM_PARTITIONS} above 1 each partition's
   * stream counts its own sequence, so the stream and {@link #streamSeq()} together name it.
   */
  String stream();

  /** The entry's stream sequence: its {@code seq}. */
  long streamSeq();

  /** Stored (or dead-lettered): the stream may forget it for this consumer. */
  void ack();

  /** Still working on it: restart the redelivery timer. */
  void inProgress();
}
