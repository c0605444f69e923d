package dev.parley.gateway.fanout;

import io.nats.client.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A channel's live entries that wait while its catch-ups run: a joiner must not see a later entry
 * before the earlier ones it is being given from the stream, so nothing goes out live until every
 * catch-up of the channel has ended. They wait too while a new channel's mark is read (one
 * request): until then its {@link EntryOrder} cannot tell which first entry starts a chain. Then
 * what waited is handed back, in arrival order, at once. Entries wait only meanwhile, and at most
 * a bound of them: past it they are dropped and their conversation is read back from the stream
 * instead. Touched only on the hub's context.
 */
final class HeldLive {
  /**
   * What waited while catch-ups ran: the entries kept, in arrival order, and the lowest sequence
   * of those dropped past the bound (0: none).
   */
  record Released(List<Message> entries, long droppedFrom) {}

  private int catchUpsRunning;

  /** The channel's mark is being read (from its creation until {@link #markRead}). */
  private boolean readingMark = true;

  private final List<Message> entries = new ArrayList<>();
  private long droppedFrom;

  /** Where what waited goes when the catch-ups end (null: nothing waited). */
  private Consumer<Released> release;

  /** Whether live entries wait now: a catch-up runs, or the mark is being read. */
  boolean holding() {
    return catchUpsRunning > 0 || readingMark;
  }

  /** The channel's mark was read (or its read failed): unless a catch-up runs, what waited goes. */
  void markRead() {
    if (readingMark) {
      readingMark = false;
      releaseIfDone();
    }
  }

  void catchUpStarted() {
    catchUpsRunning++;
  }

  /** A catch-up ended; when it was the last (and the mark is read), what waited is released. */
  void catchUpEnded() {
    if (catchUpsRunning == 0) {
      throw new IllegalStateException("no catch-up runs");
    }
    catchUpsRunning--;
    releaseIfDone();
  }

  private void releaseIfDone() {
    if (holding()) {
      return;
    }
    Consumer<Released> to = release;
    Released waited = new Released(List.copyOf(entries), droppedFrom);
    release = null;
    entries.clear();
    droppedFrom = 0;
    if (to != null) {
      // released last: an entry delivered now may start another catch-up, which holds what follows
      to.accept(waited);
    }
  }

  /**
   * Keeps a live entry (sequence {@code seq}) until the catch-ups end, when it goes to {@code
   * release} with the others that waited; past {@code max} waiting it is dropped instead (false),
   * and {@code release} is told the lowest sequence dropped, to read back from the stream.
   */
  boolean keep(Message msg, long seq, int max, Consumer<Released> release) {
    if (!holding()) {
      throw new IllegalStateException(
          "live entries wait only while a catch-up runs or the mark is read");
    }
    this.release = release;
    if (entries.size() < max) {
      entries.add(msg);
      return true;
    }
    droppedFrom = droppedFrom == 0 ? seq : Math.min(droppedFrom, seq);
    return false;
  }

  /** How many live entries wait now. */
  int size() {
    return entries.size();
  }
}
