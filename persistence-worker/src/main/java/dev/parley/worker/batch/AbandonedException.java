package dev.parley.worker.batch;

/** The worker is stopping before the batch could be stored: it stays unacked, the stream redelivers it. */
public final class AbandonedException extends Exception {
  AbandonedException() {
    super("stopping before the batch could be stored", null, false, false);
  }
}
