package dev.parley.gateway.stream;

import dev.parley.contract.wire.ChatMessage;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The unstored window's entries this gateway has read already, by sequence. A stream entry never
 * changes, so under load, where every list or search finds a few unstored entries, each is read
 * from NATS once rather than once per read: a read fetches only what arrived since the last one.
 * Entries at or below the ack floor are dropped as reads see the floor pass them, and the oldest
 * go first past {@code capacity}. Shared by the HTTP event loops (a concurrent map; values are
 * never modified), so it has no owner to message and needs none.
 */
final class WindowCache {
  /** What is cached for an entry that is not a readable message (an event, or none). */
  static final Optional<ChatMessage> NOT_A_MESSAGE = Optional.empty();

  private final ConcurrentSkipListMap<Long, Optional<ChatMessage>> entries =
      new ConcurrentSkipListMap<>();
  private final int capacity;

  WindowCache(int capacity) {
    this.capacity = capacity;
  }

  /** The entry at {@code seq} when read before: the message, or {@link #NOT_A_MESSAGE}; null when not read yet. */
  Optional<ChatMessage> get(long seq) {
    return entries.get(seq);
  }

  void put(long seq, Optional<ChatMessage> entry) {
    entries.put(seq, entry);
    while (entries.size() > capacity) {
      entries.pollFirstEntry();
    }
  }

  /** Drops what the worker has stored: every entry at or below {@code floor}. */
  void dropThrough(long floor) {
    entries.headMap(floor, true).clear();
  }
}
