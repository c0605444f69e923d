package dev.parley.gateway.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The membership joins applied here lately. A connection's handshake reads its user's
 * conversations from Postgres before it is attached; a join committed in between is in neither
 * that list nor (the connection being unknown yet) the join's fan-out. On attach, the joins of
 * the last {@link #KEEP_NANOS} that the list lacks are caught up too. Owned by the hub's context.
 */
final class RecentJoins {
  /** Far longer than a handshake takes. */
  static final long KEEP_NANOS = 10_000_000_000L;

  record Join(String userId, String conversationId, long sinceSeq, long atNanos) {}

  private final ArrayDeque<Join> byAge = new ArrayDeque<>();
  private final Map<String, List<Join>> byUser = new HashMap<>();

  void joined(String userId, String conversationId, long sinceSeq, long nowNanos) {
    expire(nowNanos);
    Join j = new Join(userId, conversationId, sinceSeq, nowNanos);
    byAge.addLast(j);
    byUser.computeIfAbsent(userId, u -> new ArrayList<>()).add(j);
  }

  /** The user left (or lost) the conversation: an attach must not catch it up any more. */
  void left(String userId, String conversationId) {
    List<Join> mine = byUser.get(userId);
    if (mine != null) {
      mine.removeIf(j -> j.conversationId().equals(conversationId));
    }
  }

  /** The user's recent joins (the latest per conversation). */
  Map<String, Long> of(String userId, long nowNanos) {
    expire(nowNanos);
    Map<String, Long> since = new HashMap<>();
    for (Join j : byUser.getOrDefault(userId, List.of())) {
      since.merge(j.conversationId(), j.sinceSeq(), Math::max);
    }
    return since;
  }

  private void expire(long nowNanos) {
    while (!byAge.isEmpty() && nowNanos - byAge.peekFirst().atNanos() > KEEP_NANOS) {
      Join old = byAge.removeFirst();
      List<Join> mine = byUser.get(old.userId());
      if (mine != null) {
        mine.remove(old);
        if (mine.isEmpty()) {
          byUser.remove(old.userId());
        }
      }
    }
  }
}
