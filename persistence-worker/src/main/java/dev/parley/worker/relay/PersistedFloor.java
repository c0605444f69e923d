package dev.parley.worker.relay;

import dev.parley.contract.stream.StreamLayout;
import io.nats.client.JetStreamManagement;
import java.time.Duration;

/**
 * The persistence consumer's ack floor: every stream entry at or below it is committed in Postgres,
 * so a message's stored prev_seq is final there (a later commit can only add rows above it). The
 * relay waits for the floor to pass a batch's messages before it reads them.
 *
 * <p>Waiting is event-driven where it can be: this worker's own commits ring {@link CommitSignal}
 * and the floor is read again at once. Commits by other workers are only visible by asking the
 * server, so between signals the floor is re-read after a short, growing pause (1 ms doubling to
 * 50 ms), which keeps an idle wait cheap and a busy one quick. Blocking: relay thread only.
 */
final class PersistedFloor {
  static final Duration MAX_POLL = Duration.ofMillis(50);

  /** What the relay does while it waits: keep its entries alive, and give up when it must. */
  interface Waiting {
    /** Called between reads; throws to stop waiting (stopping, lease lost). */
    void stillWaiting(long floor) throws TermEnded;
  }

  private final JetStreamManagement jsm;
  private final String streamName;
  private final CommitSignal commits;
  private long known;

  PersistedFloor(JetStreamManagement jsm, String streamName, CommitSignal commits) {
    this.jsm = jsm;
    this.streamName = streamName;
    this.commits = commits;
  }

  /** Reads the floor from the server. */
  long read() throws Exception {
    known =
        Math.max(
            known,
            jsm.getConsumerInfo(streamName, StreamLayout.PERSISTENCE_CONSUMER)
                .getAckFloor()
                .getStreamSequence());
    return known;
  }

  /** Returns once the floor is at or above {@code seq}. */
  void awaitAtLeast(long seq, Waiting waiting) throws Exception {
    if (known >= seq) {
      return;
    }
    long pauseMicros = 1000;
    while (true) {
      long seen = commits.generation();
      if (read() >= seq) {
        return;
      }
      waiting.stillWaiting(known);
      commits.awaitAfter(seen, Duration.ofNanos(pauseMicros * 1000));
      // a local commit: its acks reach the server in a moment, so look again soon
      pauseMicros =
          commits.generation() != seen
              ? 1000
              : Math.min(pauseMicros * 2, MAX_POLL.toNanos() / 1000);
    }
  }
}
