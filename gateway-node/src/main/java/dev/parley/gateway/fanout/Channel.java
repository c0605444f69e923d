package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import io.nats.client.Subscription;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One conversation subscribed on this node: who receives it here, and the pieces that keep its
 * delivery (its {@link EntryOrder}, the {@link HeldLive} entries waiting for catch-ups, its {@link
 * Resync.Marks}). The channel owns its members: a connection receives the conversation live, or
 * catches up to join (the table lets a connection hold a conversation once, so never both), and
 * its floor and membership start go and leave with it. Touched only on the hub's context, like
 * every piece of the subscription table.
 */
final class Channel {
  final String conversationId;
  final Subscription subscription;

  /**
   * The highest stream sequence this node had seen when it subscribed the conversation: where a
   * read-back starts when the exact mark could not be read (it may lag on a quiet node).
   */
  final long openMark;

  /**
   * The stream's last sequence once the subscription was in place (-1: not read, or the read
   * failed): every entry past it arrives on the subscription.
   */
  private long mark = -1;

  private final Promise<Void> markRead = Promise.promise();

  /** Connections that receive the conversation's entries as they arrive. */
  private final Set<LocalConnection> connections = new HashSet<>();

  /** Connections of users just added, reading the stream back before they join {@link #connections}. */
  private final Map<LocalConnection, CatchUp.Job> joining = new HashMap<>();

  /**
   * A connection that joined through a catch-up already has every entry up to this sequence (or
   * must not see it: it predates the membership); live copies up to it are skipped for it.
   */
  private final Map<LocalConnection, Long> floors = new HashMap<>();

  /** The stream sequence each connection's membership starts at, when a membership change added it. */
  private final Map<LocalConnection, Long> memberSince = new HashMap<>();

  /** Sends of this node waiting for their stored copy (they keep the subscription alive). */
  private int pendingSends;

  /** Until when (System.nanoTime) a send of this node keeps the channel open after its last one. */
  private long lingerUntil;

  private boolean lingerSet;

  private final EntryOrder order = new EntryOrder();
  private boolean gapCheckScheduled;
  private final HeldLive heldLive = new HeldLive();
  private final Resync.Marks resyncMarks = new Resync.Marks();

  Channel(String conversationId, Subscription subscription, long openMark) {
    this.conversationId = conversationId;
    this.subscription = subscription;
    this.openMark = openMark;
  }

  /**
   * The stream's last sequence once the subscription was in place: every entry after it arrives
   * live, every entry up to it is the client's to fetch with {@code after_seq}. Its live entries
   * wait until then.
   */
  void markAt(long seq) {
    mark = seq;
    order.markAt(seq);
    markReadDone();
  }

  /**
   * The mark could not be read (NATS away): the channel's order treats every first entry with a
   * predecessor as owing it, and reads it from the stream (see {@link EntryOrder}).
   */
  void markUnknown() {
    markReadDone();
  }

  private void markReadDone() {
    heldLive.markRead();
    markRead.tryComplete();
  }

  /** Completes once the mark is read or its read failed. */
  Future<Void> markRead() {
    return markRead.future();
  }

  /** The exact mark (see {@link #markAt}); -1 when not known. */
  long mark() {
    return mark;
  }

  /**
   * Nobody receives or catches up on it here, no send waits on it, and the last send's linger is
   * over: it can be unsubscribed.
   */
  boolean idle() {
    return connections.isEmpty()
        && joining.isEmpty()
        && pendingSends <= 0
        && (!lingerSet || System.nanoTime() - lingerUntil >= 0);
  }

  /** Nobody receives or catches up on it here, and nothing of it was delivered yet. */
  boolean untouched() {
    return connections.isEmpty()
        && joining.isEmpty()
        && order.lastDelivered(Subjects.MESSAGE_KIND) == 0
        && order.lastDelivered(Subjects.EVENT_KIND) == 0;
  }

  /** A send of this node waits for its stored copy. */
  void sendWaiting() {
    pendingSends++;
  }

  /** A send of this node has its stored copy; the channel stays open {@code lingerNanos} more. */
  void sendDone(long lingerNanos) {
    pendingSends--;
    if (lingerNanos > 0) {
      lingerUntil = System.nanoTime() + lingerNanos;
      lingerSet = true;
    }
  }

  /** The connection receives the conversation's entries as they arrive, from now on. */
  void joinLive(LocalConnection c) {
    connections.add(c);
  }

  /** The connection reads the stream back from {@code sinceSeq} (where its membership starts). */
  void startCatchingUp(LocalConnection c, CatchUp.Job job, long sinceSeq) {
    joining.put(c, job);
    job.add(c);
    memberSince.put(c, sinceSeq);
  }

  /** The connection has every entry up to {@code floor}: it joins live, skipping copies up to it. */
  void caughtUp(LocalConnection c, long floor) {
    if (joining.remove(c) != null) {
      connections.add(c);
      floors.put(c, floor);
    }
  }

  /** Forgets a connection entirely (it left the conversation or closed). */
  void remove(LocalConnection c) {
    connections.remove(c);
    floors.remove(c);
    memberSince.remove(c);
    CatchUp.Job job = joining.remove(c);
    if (job != null) {
      job.drop(c);
    }
  }

  /** The stream sequence the connection's membership starts at (null: joined with its user's list). */
  Long memberSince(LocalConnection c) {
    return memberSince.get(c);
  }

  /**
   * The connection's user was added again from {@code sinceSeq} while the stream's {@code
   * member.removed} of an earlier removal is not delivered yet: that removal re-joins it from here.
   */
  void memberAgainSince(LocalConnection c, long sinceSeq) {
    memberSince.merge(c, sinceSeq, Math::max);
  }

  /** Connections that receive the conversation live (a view). */
  Set<LocalConnection> connections() {
    return Collections.unmodifiableSet(connections);
  }

  /** Everyone holding the conversation here, joined or catching up. */
  Collection<LocalConnection> holders() {
    if (joining.isEmpty()) {
      return connections();
    }
    Set<LocalConnection> all = new HashSet<>(connections);
    all.addAll(joining.keySet());
    return all;
  }

  /** Whether some connection skips live copies up to a floor (it joined through a catch-up). */
  boolean hasFloors() {
    return !floors.isEmpty();
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

  EntryOrder order() {
    return order;
  }

  /** Arranges one gap check at a time: true when none was pending (the caller schedules it). */
  boolean scheduleGapCheck() {
    if (gapCheckScheduled) {
      return false;
    }
    gapCheckScheduled = true;
    return true;
  }

  /** The scheduled gap check runs: a later gap schedules another. */
  void gapCheckRuns() {
    gapCheckScheduled = false;
  }

  HeldLive heldLive() {
    return heldLive;
  }

  Resync.Marks resyncMarks() {
    return resyncMarks;
  }
}
