package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import io.nats.client.Dispatcher;
import io.nats.client.MessageHandler;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription table: which conversations this node subscribes, and which local connections
 * hold each one. A conversation is subscribed while a connection holds it or a send waits on it.
 * Touched only on the hub's context.
 */
final class Subscriptions {
  private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

  private final Dispatcher dispatcher;
  private final Subjects subjects;
  private final Function<String, MessageHandler> handlerFor;
  private final IntToLongFunction streamMark;
  private final IntFunction<Future<Long>> streamEnd;
  private final Map<String, Channel> channels = new HashMap<>();
  private final Map<String, Set<LocalConnection>> connectionsByUser = new HashMap<>();
  private final Map<LocalConnection, Set<String>> conversationsByConnection = new HashMap<>();

  /**
   * @param handlerFor the handler of a conversation's republished entries
   * @param streamMark the highest sequence of a partition this node has seen (where a new channel
   *     is read back from when its exact mark is unknown)
   * @param streamEnd reads a partition's last sequence, completing on the hub's context; asked on
   *     the same NATS connection as the subscriptions, after them
   */
  Subscriptions(
      Dispatcher dispatcher,
      Subjects subjects,
      Function<String, MessageHandler> handlerFor,
      IntToLongFunction streamMark,
      IntFunction<Future<Long>> streamEnd) {
    this.dispatcher = dispatcher;
    this.subjects = subjects;
    this.handlerFor = handlerFor;
    this.streamMark = streamMark;
    this.streamEnd = streamEnd;
  }

  Channel get(String conversationId) {
    return channels.get(conversationId);
  }

  /** The conversation's channel, subscribing it first if needed (then its mark is read). */
  Channel open(String conversationId) {
    return openAll(List.of(conversationId)).get(0);
  }

  /**
   * The channels of several conversations, in the order given, subscribing those not subscribed
   * yet: one read of the stream's end gives every new one its mark. Their live entries wait for it
   * ({@link HeldLive}); {@link Channel#markRead} says when it is there.
   */
  List<Channel> openAll(Collection<String> conversationIds) {
    List<Channel> out = new ArrayList<>(conversationIds.size());
    List<Channel> fresh = new ArrayList<>();
    for (String conversationId : conversationIds) {
      Channel ch = channels.get(conversationId);
      if (ch == null) {
        ch =
            new Channel(
                conversationId,
                dispatcher.subscribe(
                    subjects.fanout(conversationId), handlerFor.apply(conversationId)),
                streamMark.applyAsLong(subjects.partitionOf(conversationId)));
        channels.put(conversationId, ch);
        fresh.add(ch);
      }
      out.add(ch);
    }
    if (!fresh.isEmpty()) {
      readMarks(fresh);
    }
    return out;
  }

  /**
   * Reads the stream's last sequence for channels just subscribed. The request follows their SUBs
   * on the same connection, and the server handles a connection's protocol in order, so when it
   * answers the subscriptions are in place: every entry stored after the sequence it names is
   * republished to them. One request, wherever it runs, is the only wait: not a flush, not a
   * round trip per conversation.
   */
  private void readMarks(List<Channel> fresh) {
    Map<Integer, List<Channel>> byPartition = new HashMap<>();
    for (Channel ch : fresh) {
      byPartition
          .computeIfAbsent(subjects.partitionOf(ch.conversationId), p -> new ArrayList<>())
          .add(ch);
    }
    byPartition.forEach((partition, channels) -> readMarks(partition, channels));
  }

  /** One request per partition: its sequences are its own. */
  private void readMarks(int partition, List<Channel> fresh) {
    streamEnd
        .apply(partition)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                log.warn(
                    "the stream's last sequence could not be read for {} new fan-out channels ({}); their first entries wait for their predecessors, read from the stream",
                    fresh.size(),
                    ar.cause().toString());
              }
              for (Channel ch : fresh) {
                if (ar.succeeded()) {
                  ch.markAt(ar.result());
                } else {
                  ch.markUnknown();
                }
              }
            });
  }

  void releaseIfIdle(Channel ch) {
    if (ch.idle() && channels.get(ch.conversationId) == ch) {
      dispatcher.unsubscribe(ch.subscription);
      channels.remove(ch.conversationId);
    }
  }

  void addConnection(LocalConnection c) {
    connectionsByUser.computeIfAbsent(c.userId(), u -> new HashSet<>()).add(c);
    conversationsByConnection.computeIfAbsent(c, k -> new HashSet<>());
  }

  /** Forgets a closed connection, and releases the conversations nobody holds any more. */
  void removeConnection(LocalConnection c) {
    Set<LocalConnection> mine = connectionsByUser.get(c.userId());
    if (mine != null) {
      mine.remove(c);
      if (mine.isEmpty()) {
        connectionsByUser.remove(c.userId());
      }
    }
    Set<String> held = conversationsByConnection.remove(c);
    if (held != null) {
      for (String conversationId : held) {
        Channel ch = channels.get(conversationId);
        if (ch != null) {
          ch.remove(c);
          releaseIfIdle(ch);
        }
      }
    }
  }

  Set<LocalConnection> connectionsOf(String userId) {
    return connectionsByUser.getOrDefault(userId, Set.of());
  }

  /** Whether a connection receives the conversation (joined, or catching up to join). */
  boolean holds(LocalConnection c, String conversationId) {
    Set<String> held = conversationsByConnection.get(c);
    return held != null && held.contains(conversationId);
  }

  /** Records that a connection holds the conversation; false when it did already (or has closed). */
  boolean hold(LocalConnection c, String conversationId) {
    Set<String> held = conversationsByConnection.get(c);
    return held != null && held.add(conversationId);
  }

  /** The connection receives the channel's live entries from now on. */
  void join(LocalConnection c, Channel ch) {
    if (hold(c, ch.conversationId)) {
      ch.joinLive(c);
    }
  }

  /** The connection stops receiving the conversation (its user left, or the conversation is gone). */
  void leave(LocalConnection c, Channel ch) {
    Set<String> held = conversationsByConnection.get(c);
    if (held != null) {
      held.remove(ch.conversationId);
    }
    ch.remove(c);
    releaseIfIdle(ch);
  }

  boolean hasConnections() {
    return !connectionsByUser.isEmpty();
  }

  Map<String, Integer> connectionCounts() {
    Map<String, Integer> counts = new HashMap<>();
    connectionsByUser.forEach((u, cs) -> counts.put(u, cs.size()));
    return counts;
  }

  /** For gauges, read from the metrics thread: sizes only. */
  Map<String, Channel> channelsView() {
    return channels;
  }

  Map<String, Set<LocalConnection>> usersView() {
    return connectionsByUser;
  }

  /** Everyone holding the conversation here, joined or catching up. */
  Collection<LocalConnection> holders(String conversationId) {
    Channel ch = channels.get(conversationId);
    return ch == null ? List.of() : ch.holders();
  }

  /** Every subscribed channel (a copy: resyncs may release some meanwhile). */
  List<Channel> channels() {
    return List.copyOf(channels.values());
  }

  void clear() {
    channels.clear();
  }
}
