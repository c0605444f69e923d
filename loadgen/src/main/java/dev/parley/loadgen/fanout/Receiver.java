package dev.parley.loadgen.fanout;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * One member connection's view of the run: for each of its groups, which messages of the current
 * phase it got, to tell a duplicate or an out-of-order delivery from a good one. Touched on its
 * connection's event loop only. A message's content is {@code <phase>:<group>:<n>:<sendNanos>}.
 */
public final class Receiver {
  private static final class GroupSeen {
    final BitSet got = new BitSet();
    long last = -1;
  }

  private final PhaseClock clock;
  private int phaseId = -1;
  private Map<Integer, GroupSeen> groups = new HashMap<>(4);

  Receiver(PhaseClock clock) {
    this.clock = clock;
  }

  static String content(int phase, int group, int n, long sendNanos) {
    return phase + ":" + group + ":" + n + ":" + sendNanos;
  }

  /**
   * A message arrived (its content as sent). {@code order}: where the server put it (Parley's seq:
   * sends in flight together may be stored in another order than they went out), or -1 to judge
   * by the order of sending (the floor: NATS keeps a publisher's order).
   */
  void onContent(String content, long order, long nowNanos) {
    int a = content.indexOf(':');
    int b = content.indexOf(':', a + 1);
    int c = content.indexOf(':', b + 1);
    if (a < 0 || b < 0 || c < 0 || !Character.isDigit(content.charAt(0))) {
      return; // not one of ours (e.g. a system message)
    }
    int phase;
    try {
      phase = Integer.parseInt(content, 0, a, 10);
    } catch (NumberFormatException e) {
      return;
    }
    Phase current = clock.current();
    if (current == null || phase != current.id) {
      return; // a late message of an earlier phase: not counted
    }
    if (phase != phaseId) {
      phaseId = phase;
      groups = new HashMap<>(4);
    }
    int group = Integer.parseInt(content, a + 1, b, 10);
    int n = Integer.parseInt(content, b + 1, c, 10);
    long sendNanos = Long.parseLong(content, c + 1, content.length(), 10);
    GroupSeen seen = groups.computeIfAbsent(group, g -> new GroupSeen());
    if (seen.got.get(n)) {
      current.duplicated.increment();
      return;
    }
    seen.got.set(n);
    long position = order < 0 ? n : order;
    if (position < seen.last) {
      current.outOfOrder.increment();
    }
    seen.last = Math.max(seen.last, position);
    current.delivered.increment();
    current.delivery.recordValue(Math.max(0, nowNanos - sendNanos));
  }

  /** Which phase is being measured; receivers ignore the others. */
  public interface PhaseClock {
    Phase current();
  }
}
