package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.MembershipChange;
import dev.parley.gateway.concurrent.OnContext;
import dev.parley.gateway.stream.StreamClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The gateway's fan-out: the one owner of the subscription table ({@link Subscriptions}), its
 * live delivery ({@link ChannelFeed}), its catch-ups ({@link CatchUp}) and read-backs ({@link
 * Resync}). All of their state is touched on {@link #ctx} alone; the public methods here hop onto
 * it. Each conversation's state lives in its {@link Channel}, whose methods keep its rules.
 *
 * <p>Each republished stream entry is decoded and encoded into a frame once, then written to every
 * local member connection, in stream order, once. Membership changes arrive as core-NATS notices
 * ({@link MembershipChange}): an added user's connections catch up from the change's first stream
 * entry and then receive the conversation live; removals take effect where the stream's own
 * {@code member.removed} / {@code conversation.deleted} is delivered (see {@link EntryWriter}), so
 * the notice only drops membership caches.
 */
public final class FanoutHub {
  private final Context ctx;
  private final Connection nc;
  private final Dispatcher dispatcher;
  private final Subscriptions table;
  private final ChannelFeed feed;
  private final CatchUp catchUp;
  private final Resync resync;
  private final Handoff handoff;
  private final StoredCopies storedCopies;
  private final RecentJoins recentJoins = new RecentJoins();
  private final Consumer<MembershipChange> membershipChanged;
  private final EntryWriter writer;
  private final long sendLingerNanos;

  /** Channels kept open after a send only by its linger: released by {@link #releaseLingering}. */
  private final Set<Channel> lingering = new HashSet<>();

  private final long lingerTimer;
  private final Set<String> seenChanges =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 4096;
            }
          });

  /**
   * @param previous prev_seq of a message read back from the stream, when this node has not seen it
   * @param membershipChanged told every membership change (once each, local or from another
   *     gateway), and every one delivered from the stream, so caches elsewhere drop what it makes stale
   * @param handoffMax most republished entries waiting at once for the hub's event loop
   * @param heldMax most entries one conversation holds back at once
   * @param sendLinger how long a channel a send opened stays open after the send, when nothing
   *     else holds it: a sender's next send then needs no subscribe, stream-end read and
   *     unsubscribe of its own (zero: released at once)
   */
  public FanoutHub(
      Context ctx,
      Connection nc,
      StreamClient stream,
      Subjects subjects,
      MeterRegistry registry,
      PreviousMessages previous,
      Consumer<MembershipChange> membershipChanged,
      int handoffMax,
      int heldMax,
      Duration sendLinger) {
    this.ctx = ctx;
    this.sendLingerNanos = sendLinger.toNanos();
    this.nc = nc;
    this.membershipChanged = membershipChanged;
    this.dispatcher = nc.createDispatcher();
    this.storedCopies = new StoredCopies(ctx.owner());
    Counter framesWritten =
        Counter.builder("parley_fanout_frames_written_total")
            .description("frames written to local connections")
            .register(registry);
    Counter eventsReceived =
        Counter.builder("parley_fanout_events_received_total")
            .description("stream entries received for fan-out")
            .register(registry);
    Counter entriesHeld =
        Counter.builder("parley_fanout_entries_held_total")
            .description(
                "republished entries that overtook their predecessor and were held to keep order")
            .register(registry);
    Counter handoffDropped =
        Counter.builder("parley_fanout_handoff_dropped_total")
            .description(
                "live copies dropped because the hand-off to the fan-out event loop was full (read back from the stream)")
            .register(registry);
    Counter heldDropped =
        Counter.builder("parley_fanout_held_dropped_total")
            .description(
                "held entries dropped because a conversation held too many (read back from the stream)")
            .register(registry);
    Counter resyncs =
        Counter.builder("parley_fanout_resyncs_total")
            .description(
                "conversations read back from the stream after live copies were dropped or lost")
            .register(registry);
    this.handoff = new Handoff(ctx, handoffMax, this::deliver, this::missed, handoffDropped);
    this.table =
        new Subscriptions(
            dispatcher,
            subjects,
            conversationId ->
                msg -> {
                  eventsReceived.increment();
                  handoff.offer(conversationId, msg);
                },
            this::streamMark,
            partition -> stream.lastSequence(ctx, partition));
    this.writer = new EntryWriter(table, storedCopies, framesWritten, membershipChanged);
    this.catchUp = new CatchUp(ctx, table, stream, subjects, writer, storedCopies, previous);
    InOrderWriter inOrder = new InOrderWriter(writer, catchUp);
    this.resync = new Resync(ctx, table, stream, subjects, previous, inOrder, resyncs);
    this.feed =
        new ChannelFeed(
            ctx,
            table,
            stream,
            subjects,
            previous,
            inOrder,
            resync,
            entriesHeld,
            heldMax,
            heldDropped);
    registry.gauge("parley_fanout_subscribed_conversations", table.channelsView(), Map::size);
    registry.gauge("parley_fanout_local_users", table.usersView(), Map::size);
    Gauge.builder("parley_fanout_handoff_queue_depth", handoff, Handoff::depth)
        .description("republished entries waiting for the fan-out event loop")
        .register(registry);
    dispatcher.subscribe(
        subjects.membershipChanges(),
        msg -> {
          JsonObject json = new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8));
          ctx.runOnContext(v -> applyMembershipChange(MembershipChange.fromJson(json)));
        });
    // where channels opened before any entry arrives start, should they have to be read back
    for (int i = 0; i < subjects.partitions(); i++) {
      int partition = i;
      stream.lastSequence(ctx, partition).onSuccess(last -> feed.seen(partition, last));
    }
    this.lingerTimer =
        sendLingerNanos <= 0
            ? -1
            : ctx.owner()
                .setPeriodic(
                    Math.max(100, sendLinger.toMillis() / 2),
                    t -> ctx.runOnContext(v -> releaseLingering()));
  }

  /** Unsubscribes the channels whose send linger is over and that nothing else holds. */
  private void releaseLingering() {
    for (Iterator<Channel> it = lingering.iterator(); it.hasNext(); ) {
      Channel ch = it.next();
      if (table.get(ch.conversationId) != ch) {
        it.remove();
      } else if (ch.idle()) {
        table.releaseIfIdle(ch);
        it.remove();
      }
    }
  }

  private long streamMark(int partition) {
    return feed.highestSeen(partition);
  }

  private void deliver(String conversationId, Message msg) {
    feed.deliver(conversationId, msg);
  }

  /** Live copies of a conversation were dropped at the hand-off: read it back from the stream. */
  private void missed(String conversationId, long fromSeq) {
    Channel ch = table.get(conversationId);
    if (ch != null) {
      resync.request(ch, fromSeq);
    }
  }

  /**
   * Reads every subscribed conversation back from where its delivery stands: after a NATS
   * reconnect, the republished copies sent while this node was away never arrive.
   */
  public void resyncAll() {
    ctx.runOnContext(
        v ->
            table
                .channels()
                .forEach(
                    ch -> {
                      if (table.get(ch.conversationId) == ch) {
                        resync.request(ch, 0);
                      }
                    }));
  }

  /**
   * Registers a connection for the conversations its user belongs to (as read before its
   * handshake). Called before the handshake answers, so the subscriptions exist and the connection
   * holds them before the client can see its connection open. Completes once each of those
   * channels has its mark (one request for all the ones subscribed now; see {@link
   * Subscriptions#openAll}): the mark is then older than anything the client sends once it sees
   * its connection open, so an entry whose predecessor is past the mark is sure to wait for it.
   */
  public Future<Void> attach(LocalConnection connection, Collection<String> conversationIds) {
    return onContext(
            () -> {
              table.addConnection(connection);
              List<Channel> channels = table.openAll(conversationIds);
              channels.forEach(ch -> table.join(connection, ch));
              joinedDuringHandshake(connection, conversationIds);
              // a failed read completes too: the handshake never fails for it
              return Future.all(channels.stream().map(Channel::markRead).toList()).<Void>mapEmpty();
            })
        .compose(marks -> marks);
  }

  /** Catches the connection up on conversations its user joined while its handshake ran. */
  private void joinedDuringHandshake(
      LocalConnection connection, Collection<String> conversationIds) {
    // not in the list it read, and missed by the join's fan-out
    recentJoins
        .of(connection.userId(), System.nanoTime())
        .forEach(
            (conversationId, sinceSeq) -> {
              if (!conversationIds.contains(conversationId)) {
                catchUp.start(table.open(conversationId), List.of(connection), sinceSeq);
              }
            });
  }

  public Future<Void> detach(LocalConnection connection) {
    return onContext(
        () -> {
          table.removeConnection(connection);
          return null;
        });
  }

  /**
   * Holds the conversation subscribed for a send from this node (and, released, for the send linger
   * after it: a REST sender holds no connection, and would otherwise pay a subscribe, a read of
   * the stream's end and an unsubscribe per send). The SUB is written to NATS before the future
   * completes, and the publish follows on the same connection, so the stored copy cannot be
   * missed.
   */
  public Future<Void> acquire(String conversationId) {
    return onContext(
        () -> {
          table.open(conversationId).sendWaiting();
          return null;
        });
  }

  public void release(String conversationId) {
    ctx.runOnContext(
        v -> {
          Channel ch = table.get(conversationId);
          if (ch != null) {
            ch.sendDone(sendLingerNanos);
            table.releaseIfIdle(ch);
            if (table.get(conversationId) == ch && sendLingerNanos > 0) {
              lingering.add(ch);
            }
          }
        });
  }

  /** The stored message {@code seq} of the conversation, as republished (with its prev_seq). */
  public Future<ChatMessage> awaitStored(String conversationId, long seq, Duration timeout) {
    return onContext(() -> storedCopies.await(conversationId, seq, timeout)).compose(f -> f);
  }

  /** Applies a membership change seen locally or from another gateway (each change once). */
  public Future<Void> membershipChanged(MembershipChange change) {
    return onContext(
        () -> {
          applyMembershipChange(change);
          return null;
        });
  }

  private void applyMembershipChange(MembershipChange change) {
    if (!seenChanges.add(change.changeId())) {
      return;
    }
    String conversationId = change.conversationId();
    membershipChanged.accept(change);
    // removed users' connections are cut off where the stream's member.removed is delivered
    change.removed().forEach(userId -> recentJoins.left(userId, conversationId));
    if (change.sinceSeq() > 0) {
      change
          .added()
          .forEach(
              userId ->
                  recentJoins.joined(userId, conversationId, change.sinceSeq(), System.nanoTime()));
    }
    Set<LocalConnection> joiners = new LinkedHashSet<>();
    Channel existing = table.get(conversationId);
    for (String userId : change.added()) {
      for (LocalConnection c : table.connectionsOf(userId)) {
        if (!table.holds(c, conversationId)) {
          joiners.add(c);
        } else if (existing != null && change.sinceSeq() > 0) {
          // still attached because the stream's member.removed of an earlier removal is not
          // delivered
          // yet: remember where this membership starts, so that removal re-joins it from here
          existing.memberAgainSince(c, change.sinceSeq());
        }
      }
    }
    if (joiners.isEmpty()) {
      return;
    }
    Channel ch = table.open(conversationId);
    if (change.sinceSeq() > 0) {
      catchUp.start(ch, joiners, change.sinceSeq());
      return;
    }
    // the change could not be written to the stream: join live, and hand over its notice directly
    String notice = change.notice() == null ? null : change.notice().encode();
    for (LocalConnection c : joiners) {
      table.join(c, ch);
      if (notice != null) {
        c.send(notice);
      }
    }
  }

  /**
   * Writes an ephemeral frame (not from the stream, e.g. a typing indicator) to this node's
   * connections holding the conversation, except those of {@code exceptUserId}.
   */
  public void deliverEphemeral(String conversationId, String frame, String exceptUserId) {
    ctx.runOnContext(
        v ->
            writer.send(
                frame,
                table.holders(conversationId).stream()
                    .filter(c -> !c.userId().equals(exceptUserId))
                    .toList()));
  }

  /**
   * Writes a frame once to each local connection that holds any of {@code conversationIds} or
   * belongs to {@code userId} (e.g. a user's presence change: co-members and the user's own
   * connections, nobody else).
   */
  public void deliverToSharers(Collection<String> conversationIds, String userId, String frame) {
    ctx.runOnContext(
        v -> {
          Set<LocalConnection> targets = new HashSet<>(table.connectionsOf(userId));
          for (String conversationId : conversationIds) {
            targets.addAll(table.holders(conversationId));
          }
          writer.send(frame, targets);
        });
  }

  /** Whether any local connection belongs to a user (cheap check before a database lookup). */
  public Future<Boolean> hasLocalConnections() {
    return onContext(table::hasConnections);
  }

  /** Users with at least one local connection, and how many each has (for presence heartbeats). */
  public Future<Map<String, Integer>> connectionCounts() {
    return onContext(table::connectionCounts);
  }

  public Future<Void> close() {
    return onContext(
        () -> {
          if (lingerTimer >= 0) {
            ctx.owner().cancelTimer(lingerTimer);
          }
          lingering.clear();
          nc.closeDispatcher(dispatcher);
          table.clear();
          storedCopies.failAll("gateway shutting down");
          return null;
        });
  }

  private <T> Future<T> onContext(Callable<T> action) {
    return OnContext.call(ctx, action);
  }
}
