package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One conversation subscribed on this node: who receives it here and where its delivery stands.
 * Touched only on the hub's context, like every piece of the subscription table.
 */
final class Channel {
  final String conversationId;
  final Subscription subscription;

  /** Connections that receive the conversation's entries as they arrive. */
  final Set<LocalConnection> connections = new HashSet<>();

  /** Connections of users just added, reading the stream back before they join {@link #connections}. */
  final Map<LocalConnection, CatchUp.Job> joining = new HashMap<>();

  /**
   * A connection that joined through a catch-up already has every entry up to this sequence (or
   * must not see it: it predates the membership); live copies up to it are skipped for it.
   */
  final Map<LocalConnection, Long> floors = new HashMap<>();

  /** The stream sequence each connection's membership starts at, when a membership change added it. */
  final Map<LocalConnection, Long> memberSince = new HashMap<>();

  /** Sends of this node waiting for their stored copy (they keep the subscription alive). */
  int pendingSends;

  final EntryOrder order = new EntryOrder();
  boolean gapCheckScheduled;

  /** Live entries that arrived while catch-ups ran (null when none runs): delivered after them, in order. */
  List<Message> heldLive;

  /**
   * The lowest sequence of the live entries dropped because {@link #heldLive} was full (0: none):
   * once the catch-ups end, the conversation is read back from the stream instead.
   */
  long heldLiveDroppedFrom;

  int catchUpsRunning;

  /** The highest stream sequence this node had seen when it subscribed the conversation. */
  final long openMark;

  /** A {@link Resync} is reading the stream back for this channel. */
  boolean resyncing;

  /** Another resync was asked for while one ran: it runs again, from where delivery then stands. */
  boolean resyncAgain;

  /** Where a resync of a kind with nothing delivered yet starts: the lowest sequence known missed (0: none). */
  long resyncFrom;

  Channel(String conversationId, Subscription subscription, long openMark) {
    this.conversationId = conversationId;
    this.subscription = subscription;
    this.openMark = openMark;
  }

  boolean idle() {
    return connections.isEmpty() && joining.isEmpty() && pendingSends <= 0;
  }

  /** Whether a live entry at {@code seq} goes to {@code c} (false when a catch-up gave it already). */
  boolean wants(LocalConnection c, long seq) {
    if (floors.isEmpty()) {
      return true;
    }
    Long floor = floors.get(c);
    return floor == null || seq > floor;
  }

  /** The connections a live entry at {@code seq} goes to. */
  List<LocalConnection> liveTargets(long seq) {
    List<LocalConnection> out = new ArrayList<>(connections.size());
    for (LocalConnection c : connections) {
      if (wants(c, seq)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Forgets floors no live entry can reach any more: both kinds are delivered past them. */
  void pruneFloors() {
    if (floors.isEmpty()) {
      return;
    }
    long delivered =
        Math.min(
            order.lastDelivered(Subjects.MESSAGE_KIND), order.lastDelivered(Subjects.EVENT_KIND));
    floors.values().removeIf(floor -> floor < delivered);
  }

  void holdLive(Message msg) {
    heldLive.add(msg);
  }

  /** Forgets a connection entirely (it left the conversation or closed). */
  void remove(LocalConnection c) {
    connections.remove(c);
    floors.remove(c);
    memberSince.remove(c);
    CatchUp.Job job = joining.remove(c);
    if (job != null) {
      job.joiners.remove(c);
    }
  }
}
