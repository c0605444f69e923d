package dev.parley.system.load;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every message one client has seen, per conversation: its seq and the prev_seq it named. A
 * message whose prev_seq the client never saw is a hole in its chain; an acknowledged seq it never
 * saw is a message it missed. Written on the client's event loop, read from any thread.
 */
public final class SeenLog {
  private static final long NO_PREVIOUS = -1;

  private final Map<String, Map<Long, Long>> prevBySeq = new ConcurrentHashMap<>();

  void record(String conversationId, long seq, Long prevSeq) {
    prevBySeq
        .computeIfAbsent(conversationId, c -> new ConcurrentHashMap<>())
        .put(seq, prevSeq == null ? NO_PREVIOUS : prevSeq);
  }

  /** The highest seq seen in the conversation, 0 when none: what a resume asks for messages after. */
  public long highest(String conversationId) {
    Map<Long, Long> seen = prevBySeq.get(conversationId);
    long max = 0;
    if (seen != null) {
      for (long seq : seen.keySet()) {
        max = Math.max(max, seq);
      }
    }
    return max;
  }

  public Set<Long> seqs(String conversationId) {
    Map<Long, Long> seen = prevBySeq.get(conversationId);
    return seen == null ? Set.of() : Set.copyOf(seen.keySet());
  }

  /** Messages of the conversation whose predecessor this client never saw. */
  public int holes(String conversationId) {
    Map<Long, Long> seen = prevBySeq.get(conversationId);
    if (seen == null) {
      return 0;
    }
    int holes = 0;
    for (long prev : seen.values()) {
      if (prev != NO_PREVIOUS && !seen.containsKey(prev)) {
        holes++;
      }
    }
    return holes;
  }

  /** How many of {@code acked} this client has not seen. */
  public int missing(String conversationId, Collection<Long> acked) {
    Map<Long, Long> seen = prevBySeq.getOrDefault(conversationId, Map.of());
    int missing = 0;
    for (long seq : acked) {
      if (!seen.containsKey(seq)) {
        missing++;
      }
    }
    return missing;
  }
}
