package dev.parley.worker.relay;

/**
 * This worker stops relaying for now: it is stopping, or its lease is gone. What it holds stays
 * unacknowledged; whichever worker relays next resumes from the consumer's ack floor.
 */
final class TermEnded extends Exception {
  TermEnded(String reason) {
    super(reason, null, false, false);
  }
}
