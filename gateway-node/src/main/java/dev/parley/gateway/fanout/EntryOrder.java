package dev.parley.gateway.fanout;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one conversation's republished entries back in stream order, once each. The stream
 * republishes over core NATS, and under concurrent publishes an entry can overtake its predecessor
 * (seen on nats-server 2.9.10: about 1 in 2,000). Each entry carries the previous sequence on its own
 * subject, so each subject (messages; other events) forms a chain: an entry whose predecessor has
 * not been delivered yet is held until it has, or until the gap is filled from the stream.
 *
 * <p>The first entry of a kind starts its chain only when its predecessor is not owed here: none
 * (the conversation's first), or at or below the channel's mark (the stream's last sequence once
 * the subscription was in place: every later entry arrives on it, earlier ones are the client's to
 * fetch with {@code after_seq}). A first entry whose predecessor is past the mark overtook it: it
 * waits for it like any other. Taking it as the chain's start would drop the predecessor, arriving
 * next, as "already delivered": a {@code prev_seq} hole, and a message lost for that client.
 *
 * <p>Not thread-safe: owned by the hub's event loop, like the rest of the subscription table.
 */
final class EntryOrder {
  /** A stored entry: its sequence, the previous sequence on the same subject, its kind and body. */
  record Entry(long seq, long previousOnSubject, String kind, JsonObject payload) {}

  /** The mark is not known: being read, or its read failed. */
  private static final long UNKNOWN = -1;

  private final Map<String, Long> delivered = new HashMap<>();

  /**
   * The stream's last sequence when the channel's subscription was in place, or {@link #UNKNOWN}.
   * Unknown, every first entry with a predecessor waits for it (then read from the stream): a
   * duplicate of a message the client may have fetched is harmless, a hole is not.
   */
  private long mark = UNKNOWN;

  /** Held entries by kind, keyed by the predecessor they wait for. */
  private final Map<String, TreeMap<Long, Entry>> held = new HashMap<>();

  /** The entries that can go out now, in order: possibly none, possibly several released by this one. */
  List<Entry> accept(Entry e) {
    long last = lastDelivered(e.kind());
    if (last != 0 && e.seq() <= last) {
      return List.of();
    }
    if (last != 0 ? e.previousOnSubject() > last : !startsChain(e)) {
      held.computeIfAbsent(e.kind(), k -> new TreeMap<>()).put(e.previousOnSubject(), e);
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    out.add(e);
    delivered.put(e.kind(), e.seq());
    release(e.kind(), out);
    return out;
  }

  /** The stream's last sequence once the channel's subscription was in place (see the class). */
  void markAt(long seq) {
    mark = seq;
  }

  private boolean startsChain(Entry e) {
    return e.previousOnSubject() == 0 || (mark != UNKNOWN && e.previousOnSubject() <= mark);
  }

  /**
   * Where the stream is read for a kind's missing entries: after the last one delivered; when none
   * was, after the mark (every entry past it is owed), or, the mark unknown, from the lowest
   * predecessor an entry waits for (that one at least is owed: its successor came live).
   */
  long gapReadFrom(String kind) {
    long last = lastDelivered(kind);
    if (last > 0) {
      return last + 1;
    }
    if (mark != UNKNOWN) {
      return mark + 1;
    }
    TreeMap<Long, Entry> waiting = held.get(kind);
    return waiting == null || waiting.isEmpty() ? 1 : waiting.firstKey();
  }

  /**
   * Starts a kind's chain at {@code seq} when nothing of it was delivered yet (a channel whose
   * first entries were read back from the stream): a live entry that overtook the next one is
   * then held for it rather than taken as the chain's start.
   */
  void startAt(String kind, long seq) {
    if (seq > 0 && lastDelivered(kind) == 0) {
      delivered.put(kind, seq);
    }
  }

  /** The last sequence delivered of this kind (0: none yet). */
  long lastDelivered(String kind) {
    return delivered.getOrDefault(kind, 0L);
  }

  /** Whether any entry waits for a predecessor. */
  boolean hasGaps() {
    for (TreeMap<Long, Entry> waiting : held.values()) {
      if (!waiting.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Kinds with entries waiting for a predecessor. */
  List<String> kindsWithGaps() {
    List<String> kinds = new ArrayList<>();
    held.forEach(
        (kind, waiting) -> {
          if (!waiting.isEmpty()) {
            kinds.add(kind);
          }
        });
    return kinds;
  }

  /** How many entries wait for a predecessor, of every kind. */
  int heldCount() {
    int n = 0;
    for (TreeMap<Long, Entry> waiting : held.values()) {
      n += waiting.size();
    }
    return n;
  }

  /**
   * Forgets every waiting entry (too many waited: they are read back from the stream instead);
   * returns the lowest sequence dropped, 0 when none waited.
   */
  long dropHeld() {
    long lowest = 0;
    for (TreeMap<Long, Entry> waiting : held.values()) {
      for (Entry e : waiting.values()) {
        lowest = lowest == 0 ? e.seq() : Math.min(lowest, e.seq());
      }
    }
    held.clear();
    return lowest;
  }

  /** Gives up on a gap the stream cannot fill: delivers what waits, in sequence order. */
  List<Entry> flush(String kind) {
    TreeMap<Long, Entry> waiting = held.remove(kind);
    if (waiting == null) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>(waiting.values());
    out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    out.removeIf(e -> e.seq() <= lastDelivered(kind));
    if (!out.isEmpty()) {
      delivered.put(kind, out.get(out.size() - 1).seq());
    }
    return out;
  }

  private void release(String kind, List<Entry> out) {
    TreeMap<Long, Entry> waiting = held.get(kind);
    if (waiting == null) {
      return;
    }
    Entry next;
    while ((next = waiting.remove(lastDelivered(kind))) != null) {
      out.add(next);
      delivered.put(kind, next.seq());
    }
    waiting.headMap(lastDelivered(kind), true).clear();
  }
}
