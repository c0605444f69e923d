package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.contract.wire.MembershipChange;
import dev.parley.gateway.stream.StreamClient;
import dev.parley.gateway.stream.StreamEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's subscription table, and its only owner: every field is touched on {@link #ctx}
 * alone; public methods hop onto it. A conversation is subscribed while at least one local
 * connection of a member holds it, or a send from this node waits for its stored copy.
 *
 * <p>Each republished stream entry is decoded and encoded into a frame once, then written to every
 * local member connection. Republished entries can arrive out of order; {@link EntryOrder} puts
 * each conversation's entries back in order and drops what was already delivered, so a connection
 * sees each event once.
 */
public final class FanoutHub {
  private static final Logger log = LoggerFactory.getLogger(FanoutHub.class);
  /** How long an entry that overtook its predecessor waits before the predecessor is read from the stream. */
  private static final long GAP_WAIT_MS = 200;

  private final Context ctx;
  private final Subjects subjects;
  private final Connection nc;
  private final Dispatcher dispatcher;
  private final Map<String, Channel> channels = new HashMap<>();
  private final Map<String, Set<LocalConnection>> connectionsByUser = new HashMap<>();
  private final Map<LocalConnection, Set<String>> conversationsByConnection = new HashMap<>();
  private final Set<String> seenChanges = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 4096;
    }
  });
  private final StoredCopies storedCopies;
  private final Counter framesWritten;
  private final Counter eventsReceived;
  private final Counter entriesHeld;

  private static final class Channel {
    Subscription subscription;
    final Set<LocalConnection> connections = new HashSet<>();
    int pendingSends;
    final EntryOrder order = new EntryOrder();
    boolean gapCheckScheduled;
    /** While the stream is read from a membership change's sinceSeq, live entries wait here. */
    List<Message> heldDuringCatchUp;
  }

  private final java.util.function.Consumer<String> membershipInvalidated;

  /**
   * @param membershipInvalidated told the id of every conversation whose membership changed, so
   *     caches elsewhere drop it
   */
  private final StreamClient stream;

  public FanoutHub(Context ctx, Connection nc, StreamClient stream, Subjects subjects, MeterRegistry registry,
      java.util.function.Consumer<String> membershipInvalidated) {
    this.ctx = ctx;
    this.stream = stream;
    this.storedCopies = new StoredCopies(ctx.owner());
    this.membershipInvalidated = membershipInvalidated;
    this.subjects = subjects;
    this.nc = nc;
    this.dispatcher = nc.createDispatcher();
    this.framesWritten = Counter.builder("parley_fanout_frames_written_total")
        .description("frames written to local connections").register(registry);
    this.eventsReceived = Counter.builder("parley_fanout_events_received_total")
        .description("stream entries received for fan-out").register(registry);
    this.entriesHeld = Counter.builder("parley_fanout_entries_held_total")
        .description("republished entries that overtook their predecessor and were held to keep order").register(registry);
    registry.gauge("parley_fanout_subscribed_conversations", channels, Map::size);
    registry.gauge("parley_fanout_local_users", connectionsByUser, Map::size);
    dispatcher.subscribe(subjects.membershipChanges(), msg -> {
      JsonObject json = new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8));
      ctx.runOnContext(v -> applyMembershipChange(MembershipChange.fromJson(json)));
    });
  }

  /** Registers a connection for the conversations its user belongs to. */
  public Future<Void> attach(LocalConnection connection, Collection<String> conversationIds) {
    return onContext(() -> {
      connectionsByUser.computeIfAbsent(connection.userId(), u -> new HashSet<>()).add(connection);
      Set<String> held = conversationsByConnection.computeIfAbsent(connection, c -> new HashSet<>());
      for (String conversationId : conversationIds) {
        if (held.add(conversationId)) {
          channel(conversationId).connections.add(connection);
        }
      }
      return null;
    });
  }

  public Future<Void> detach(LocalConnection connection) {
    return onContext(() -> {
      Set<LocalConnection> mine = connectionsByUser.get(connection.userId());
      if (mine != null) {
        mine.remove(connection);
        if (mine.isEmpty()) {
          connectionsByUser.remove(connection.userId());
        }
      }
      Set<String> held = conversationsByConnection.remove(connection);
      if (held != null) {
        for (String conversationId : held) {
          Channel ch = channels.get(conversationId);
          if (ch != null) {
            ch.connections.remove(connection);
            releaseIfIdle(conversationId, ch);
          }
        }
      }
      return null;
    });
  }

  /**
   * Holds the conversation subscribed for a send from this node. The SUB is written to NATS before
   * the future completes, and the publish follows on the same connection, so the stored copy
   * cannot be missed.
   */
  public Future<Void> acquire(String conversationId) {
    return acquireAll(List.of(conversationId));
  }

  /**
   * Subscribes conversations ahead of a connection's handshake, so the subscriptions exist before
   * the client can see its connection open; {@link #attach} then joins them without a gap.
   */
  public Future<Void> acquireAll(Collection<String> conversationIds) {
    return onContext(() -> {
      for (String conversationId : conversationIds) {
        channel(conversationId).pendingSends++;
      }
      return null;
    });
  }

  public void release(String conversationId) {
    releaseAll(List.of(conversationId));
  }

  public void releaseAll(Collection<String> conversationIds) {
    ctx.runOnContext(v -> {
      for (String conversationId : conversationIds) {
        Channel ch = channels.get(conversationId);
        if (ch != null) {
          ch.pendingSends--;
          releaseIfIdle(conversationId, ch);
        }
      }
    });
  }

  /** The stored message with stream sequence {@code seq}, as republished (with its prev_seq). */
  public Future<ChatMessage> awaitStored(long seq, Duration timeout) {
    return onContext(() -> storedCopies.await(seq, timeout)).compose(f -> f);
  }

  /** Applies a membership change seen locally or from another gateway (each change once). */
  public Future<Void> membershipChanged(MembershipChange change) {
    return onContext(() -> {
      applyMembershipChange(change);
      return null;
    });
  }

  private void applyMembershipChange(MembershipChange change) {
    if (!seenChanges.add(change.changeId())) {
      return;
    }
    String conversationId = change.conversationId();
    membershipInvalidated.accept(conversationId);
    boolean wasSubscribed = channels.containsKey(conversationId);
    String notice = change.notice() == null ? null : change.notice().encode();
    for (String userId : change.added()) {
      for (LocalConnection c : connectionsByUser.getOrDefault(userId, Set.of())) {
        if (conversationsByConnection.computeIfAbsent(c, k -> new HashSet<>()).add(conversationId)) {
          channel(conversationId).connections.add(c);
        }
        if (notice != null) {
          c.send(notice);
        }
      }
    }
    Channel fresh = wasSubscribed ? null : channels.get(conversationId);
    if (fresh != null && change.sinceSeq() > 0) {
      // Subscribed just now: what the stream stored since the change may have been republished
      // before our subscription existed. Read it back; live entries wait until we are through.
      fresh.heldDuringCatchUp = new ArrayList<>();
      catchUp(conversationId, fresh, change.sinceSeq());
    }
    for (String userId : change.removed()) {
      for (LocalConnection c : connectionsByUser.getOrDefault(userId, Set.of())) {
        Set<String> held = conversationsByConnection.get(c);
        if (held != null && held.remove(conversationId)) {
          Channel ch = channels.get(conversationId);
          if (ch != null) {
            ch.connections.remove(c);
            releaseIfIdle(conversationId, ch);
          }
        }
      }
    }
  }

  private Channel channel(String conversationId) {
    Channel ch = channels.get(conversationId);
    if (ch == null) {
      ch = new Channel();
      ch.subscription = dispatcher.subscribe(subjects.fanout(conversationId),
          msg -> {
            eventsReceived.increment();
            ctx.runOnContext(v -> deliver(conversationId, msg));
          });
      channels.put(conversationId, ch);
    }
    return ch;
  }

  private void releaseIfIdle(String conversationId, Channel ch) {
    if (ch.connections.isEmpty() && ch.pendingSends <= 0) {
      dispatcher.unsubscribe(ch.subscription);
      channels.remove(conversationId);
    }
  }

  private void deliver(String conversationId, Message msg) {
    Channel ch = channels.get(conversationId);
    if (ch == null) {
      return;
    }
    if (ch.heldDuringCatchUp != null) {
      ch.heldDuringCatchUp.add(msg);
      return;
    }
    long seq;
    long last;
    try {
      seq = Long.parseLong(msg.getHeaders().getFirst(StreamHeaders.SEQUENCE));
      String lastHeader = msg.getHeaders().getFirst(StreamHeaders.LAST_SEQUENCE);
      last = lastHeader == null ? 0 : Long.parseLong(lastHeader);
    } catch (RuntimeException e) {
      log.error("Dropping a fan-out entry without stream headers on {}", msg.getSubject());
      return;
    }
    JsonObject payload;
    try {
      payload = new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      log.error("Dropping undecodable stream entry seq={} conversation={}", seq, conversationId, e);
      return;
    }
    List<EntryOrder.Entry> ready = ch.order.accept(new EntryOrder.Entry(seq, last, Subjects.kindOf(msg.getSubject()), payload));
    if (ready.isEmpty() && !ch.order.kindsWithGaps().isEmpty()) {
      entriesHeld.increment();
    }
    writeAll(conversationId, ch, ready);
    if (!ch.gapCheckScheduled && !ch.order.kindsWithGaps().isEmpty()) {
      // an entry overtook its predecessor: give the predecessor a moment, then read it from the stream
      ch.gapCheckScheduled = true;
      ctx.owner().setTimer(GAP_WAIT_MS, t -> {
        ch.gapCheckScheduled = false;
        if (channels.get(conversationId) == ch) {
          ch.order.kindsWithGaps().forEach(kind -> fillGap(conversationId, ch, kind, ch.order.lastDelivered(kind) + 1));
        }
      });
    }
  }

  private void writeAll(String conversationId, Channel ch, List<EntryOrder.Entry> entries) {
    for (EntryOrder.Entry e : entries) {
      write(conversationId, ch, e);
    }
  }

  /** Encodes one entry's frame once and writes it to every local member connection. */
  private void write(String conversationId, Channel ch, EntryOrder.Entry e) {
    String frame;
    try {
      if (Subjects.MESSAGE_KIND.equals(e.kind())) {
        ChatMessage stored = ChatMessage.fromDraft(e.payload(), e.seq(), ChatMessage.prevSeqFromStream(e.previousOnSubject()));
        storedCopies.seen(stored);
        frame = Frames.event(EventType.MESSAGE_NEW, stored.toJson()).encode();
      } else {
        frame = e.payload().encode();
      }
    } catch (RuntimeException ex) {
      log.error("Dropping undecodable stream entry seq={} conversation={}", e.seq(), conversationId, ex);
      return;
    }
    for (LocalConnection c : ch.connections) {
      c.send(frame);
    }
    framesWritten.increment(ch.connections.size());
  }

  /** Reads the entries a gap is missing from the stream (the chain there is complete). */
  private void fillGap(String conversationId, Channel ch, String kind, long from) {
    String subject = Subjects.MESSAGE_KIND.equals(kind) ? subjects.streamMessages(conversationId) : subjects.streamEvents(conversationId);
    stream.nextOnSubject(ctx, from, subject).onComplete(ar -> {
      if (channels.get(conversationId) != ch || !ch.order.kindsWithGaps().contains(kind)) {
        return;
      }
      if (ar.succeeded() && ar.result() != null) {
        StreamEntry e = ar.result();
        writeAll(conversationId, ch, ch.order.accept(new EntryOrder.Entry(e.seq(), ch.order.lastDelivered(kind), kind, e.payload())));
        fillGap(conversationId, ch, kind, e.seq() + 1);
        return;
      }
      log.warn("conversation {}: a gap in its {} entries could not be filled from the stream ({}); delivering what waits",
          conversationId, kind, ar.failed() ? ar.cause().toString() : "not in the stream");
      writeAll(conversationId, ch, ch.order.flush(kind));
    });
  }

  /** Reads the conversation's entries from {@code from} on, then releases what arrived live meanwhile. */
  private void catchUp(String conversationId, Channel ch, long from) {
    stream.nextOnSubject(ctx, from, subjects.streamConversation(conversationId)).onComplete(ar -> {
      if (channels.get(conversationId) != ch) {
        return;
      }
      if (ar.succeeded() && ar.result() != null) {
        StreamEntry e = ar.result();
        String kind = Subjects.kindOf(e.subject());
        writeAll(conversationId, ch, ch.order.accept(new EntryOrder.Entry(e.seq(), ch.order.lastDelivered(kind), kind, e.payload())));
        catchUp(conversationId, ch, e.seq() + 1);
        return;
      }
      if (ar.failed()) {
        log.warn("catching up conversation {} from the stream failed; live events continue: {}", conversationId, ar.cause().toString());
      }
      List<Message> held = ch.heldDuringCatchUp;
      ch.heldDuringCatchUp = null;
      for (Message m : held) {
        deliver(conversationId, m);
      }
    });
  }

  /**
   * Writes an ephemeral frame (not from the stream, e.g. a typing indicator) to this node's
   * connections holding the conversation, except those of {@code exceptUserId}.
   */
  public void deliverEphemeral(String conversationId, String frame, String exceptUserId) {
    ctx.runOnContext(v -> {
      Channel ch = channels.get(conversationId);
      if (ch == null) {
        return;
      }
      int written = 0;
      for (LocalConnection c : ch.connections) {
        if (!c.userId().equals(exceptUserId)) {
          c.send(frame);
          written++;
        }
      }
      framesWritten.increment(written);
    });
  }

  /**
   * Writes a frame once to each local connection that holds any of {@code conversationIds} or
   * belongs to {@code userId} (e.g. a user's presence change: co-members and the user's own
   * connections, nobody else).
   */
  public void deliverToSharers(Collection<String> conversationIds, String userId, String frame) {
    ctx.runOnContext(v -> {
      Set<LocalConnection> targets = new HashSet<>(connectionsByUser.getOrDefault(userId, Set.of()));
      for (String conversationId : conversationIds) {
        Channel ch = channels.get(conversationId);
        if (ch != null) {
          targets.addAll(ch.connections);
        }
      }
      targets.forEach(c -> c.send(frame));
      framesWritten.increment(targets.size());
    });
  }

  /** Whether any local connection belongs to a user (cheap check before a database lookup). */
  public Future<Boolean> hasLocalConnections() {
    return onContext(() -> !connectionsByUser.isEmpty());
  }

  /** Users with at least one local connection, and how many each has (for presence heartbeats). */
  public Future<Map<String, Integer>> connectionCounts() {
    return onContext(() -> {
      Map<String, Integer> counts = new HashMap<>();
      connectionsByUser.forEach((u, cs) -> counts.put(u, cs.size()));
      return counts;
    });
  }

  public Future<Void> close() {
    return onContext(() -> {
      nc.closeDispatcher(dispatcher);
      channels.clear();
      storedCopies.failAll("gateway shutting down");
      return null;
    });
  }

  private <T> Future<T> onContext(java.util.concurrent.Callable<T> action) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future();
  }
}
