package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.contract.wire.MembershipChange;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stream entries into frames (once per entry, whatever the number of recipients), writes
 * them, and applies what a delivered entry changes about who receives the conversation here: after
 * {@code member.removed} the removed user's connections stop receiving it, after {@code
 * conversation.deleted} everyone's do. Doing this where the entry is delivered puts the cut at the
 * entry's exact place in the stream on every node: the removed user gets {@code member.removed}
 * and nothing after it.
 */
final class EntryWriter {
  private static final Logger log = LoggerFactory.getLogger(EntryWriter.class);

  private final Subscriptions table;
  private final StoredCopies storedCopies;
  private final Counter framesWritten;
  private final Consumer<MembershipChange> membershipEvents;

  /**
   * @param membershipEvents told each membership change delivered from the stream ({@code
   *     member.added}, {@code member.removed}, {@code conversation.deleted}), so caches drop what it
   *     makes stale even when the change's core-NATS notice never arrives
   */
  EntryWriter(
      Subscriptions table,
      StoredCopies storedCopies,
      Counter framesWritten,
      Consumer<MembershipChange> membershipEvents) {
    this.table = table;
    this.storedCopies = storedCopies;
    this.framesWritten = framesWritten;
    this.membershipEvents = membershipEvents;
  }

  /** A connection a delivered {@code member.removed} cut off although a later change added its user back. */
  record Rejoin(LocalConnection connection, long memberSince) {}

  /** Writes an entry that arrived in order to the channel's connections; returns who must catch up again. */
  List<Rejoin> writeLive(Channel ch, EntryOrder.Entry e) {
    String frame = liveFrame(ch.conversationId, e);
    if (frame == null) {
      return List.of();
    }
    if (!ch.hasFloors() && Subjects.MESSAGE_KIND.equals(e.kind())) {
      // the common case: no catch-up floors, and a message changes no membership, so no copy is
      // needed
      send(frame, ch.connections());
      return List.of();
    }
    List<LocalConnection> targets = ch.liveTargets(e.seq());
    send(frame, targets);
    ch.pruneFloors();
    return effects(ch, e.kind(), e.payload(), e.seq(), targets);
  }

  /** Writes a read-back entry's frame to some connections only (those catching up). */
  List<Rejoin> writeTo(
      Channel ch,
      Collection<LocalConnection> targets,
      String kind,
      JsonObject payload,
      long seq,
      String frame) {
    List<LocalConnection> snapshot = new ArrayList<>(targets);
    send(frame, snapshot);
    return effects(ch, kind, payload, seq, snapshot);
  }

  /**
   * Writes the frame to each target, handing it to each event loop once for all of that loop's
   * connections: one task (and one wake-up of the loop) per loop, not per connection. A loop's
   * tasks run in the order handed over, so each connection still gets its frames in order.
   */
  void send(String frame, Collection<LocalConnection> targets) {
    Map<Context, List<LocalConnection>> byLoop = null;
    for (LocalConnection c : targets) {
      Context loop = c.context();
      if (loop == null) {
        c.send(frame);
      } else {
        if (byLoop == null) {
          byLoop = new HashMap<>(8);
        }
        byLoop.computeIfAbsent(loop, k -> new ArrayList<>()).add(c);
      }
    }
    if (byLoop != null) {
      Context here = Vertx.currentContext();
      byLoop.forEach(
          (loop, connections) -> {
            if (loop == here && loop.isEventLoopContext()) {
              connections.forEach(c -> c.sendHere(frame));
            } else {
              loop.runOnContext(v -> connections.forEach(c -> c.sendHere(frame)));
            }
          });
    }
    framesWritten.increment(targets.size());
  }

  private String liveFrame(String conversationId, EntryOrder.Entry e) {
    try {
      if (Subjects.MESSAGE_KIND.equals(e.kind())) {
        return messageFrame(
            e.payload(), e.seq(), ChatMessage.prevSeqFromStream(e.previousOnSubject()));
      }
      return e.payload().encode();
    } catch (RuntimeException ex) {
      log.error(
          "Dropping undecodable stream entry seq={} conversation={}", e.seq(), conversationId, ex);
      return null;
    }
  }

  /** The {@code message.new} frame of a stored draft; a send from this node may be waiting for the message. */
  String messageFrame(JsonObject draft, long seq, Long prevSeq) {
    ChatMessage stored = ChatMessage.fromDraft(draft, seq, prevSeq);
    storedCopies.seen(stored);
    return Frames.event(EventType.MESSAGE_NEW, stored.toJson()).encode();
  }

  private void tellMembershipChanged(String conversationId, String type, String userId, long seq) {
    List<String> user = userId == null ? List.of() : List.of(userId);
    String changeId = "stream:" + seq;
    if (EventType.MEMBER_REMOVED.equals(type)) {
      membershipEvents.accept(
          new MembershipChange(changeId, conversationId, List.of(), user, 0, null));
    } else if (EventType.MEMBER_ADDED.equals(type)) {
      membershipEvents.accept(
          new MembershipChange(changeId, conversationId, user, List.of(), 0, null));
    } else if (EventType.CONVERSATION_DELETED.equals(type)) {
      membershipEvents.accept(
          new MembershipChange(changeId, conversationId, List.of(), List.of(), 0, null));
    }
  }

  private List<Rejoin> effects(
      Channel ch, String kind, JsonObject payload, long seq, List<LocalConnection> targets) {
    if (!Subjects.EVENT_KIND.equals(kind)) {
      return List.of();
    }
    String type = payload.getString("type");
    JsonObject data = payload.getJsonObject("data");
    String userId = data == null ? null : data.getString("user_id");
    tellMembershipChanged(ch.conversationId, type, userId, seq);
    if (EventType.CONVERSATION_DELETED.equals(type)) {
      targets.forEach(c -> table.leave(c, ch));
      return List.of();
    }
    if (!EventType.MEMBER_REMOVED.equals(type)) {
      return List.of();
    }
    List<Rejoin> rejoins = new ArrayList<>();
    for (LocalConnection c : targets) {
      if (c.userId().equals(userId)) {
        Long since = ch.memberSince(c);
        table.leave(c, ch);
        if (since != null && since > seq) {
          // removed and added back: the add's notice came first; catch up again from the add
          rejoins.add(new Rejoin(c, since));
        }
      }
    }
    return rejoins;
  }
}
