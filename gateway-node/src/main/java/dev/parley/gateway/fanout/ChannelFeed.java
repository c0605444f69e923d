package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.gateway.concurrent.OnContext;
import dev.parley.gateway.stream.StreamEntry;
import dev.parley.gateway.stream.StreamReads;
import io.micrometer.core.instrument.Counter;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each conversation's republished entries in stream order, once each. The stream
 * republishes over core NATS, and an entry can overtake its predecessor; {@link EntryOrder} holds
 * it until the predecessor arrives or, after {@link #GAP_WAIT_MS}, is read from the stream. While
 * catch-ups run on a channel, its live entries wait ({@link HeldLive}) and go through here once
 * the last has ended. What cannot be kept (past {@code heldMax}) or read goes to {@link Resync}.
 * Touched only on the hub's context.
 */
final class ChannelFeed {
  private static final Logger log = LoggerFactory.getLogger(ChannelFeed.class);

  /** How long an entry that overtook its predecessor waits before the predecessor is read from the stream. */
  private static final long GAP_WAIT_MS = 200;

  private final Context ctx;
  private final Subscriptions table;
  private final StreamReads stream;
  private final Subjects subjects;
  private final PreviousMessages previous;
  private final InOrderWriter inOrder;
  private final Resync resync;
  private final Counter entriesHeld;
  private final int heldMax;
  private final Counter heldDropped;

  /** The highest stream sequence delivered here, any conversation (where a new channel starts). */
  /** Per partition: sequences are each partition's own. */
  private final long[] highestSeen;

  /**
   * @param previous prev_seq of the message that starts a chain when it is read from the stream
   * @param inOrder writes what a channel's order released
   * @param resync reads a channel back from the stream when entries were dropped or cannot be read
   * @param heldMax most entries a channel holds back at once (waiting for catch-ups, or for an
   *     overtaken predecessor); past it they are dropped and read back from the stream
   */
  ChannelFeed(
      Context ctx,
      Subscriptions table,
      StreamReads stream,
      Subjects subjects,
      PreviousMessages previous,
      InOrderWriter inOrder,
      Resync resync,
      Counter entriesHeld,
      int heldMax,
      Counter heldDropped) {
    this.ctx = ctx;
    this.table = table;
    this.stream = stream;
    this.subjects = subjects;
    this.highestSeen = new long[subjects.partitions()];
    this.previous = previous;
    this.inOrder = inOrder;
    this.resync = resync;
    this.entriesHeld = entriesHeld;
    this.heldMax = heldMax;
    this.heldDropped = heldDropped;
  }

  /** The highest sequence of a partition delivered here so far (any of its conversations). */
  long highestSeen(int partition) {
    return highestSeen[partition];
  }

  /** Raises {@link #highestSeen} (e.g. to the partition's last sequence at start). */
  void seen(int partition, long seq) {
    highestSeen[partition] = Math.max(highestSeen[partition], seq);
  }

  /** One republished entry of a subscribed conversation. */
  void deliver(String conversationId, Message msg) {
    Channel ch = table.get(conversationId);
    if (ch == null) {
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
    seen(subjects.partitionOf(conversationId), seq);
    if (ch.heldLive().holding()) {
      if (!ch.heldLive().keep(msg, seq, heldMax, waited -> releaseHeld(ch, waited))) {
        // too many wait for the catch-ups: once they end, the stream is read back instead
        heldDropped.increment();
      }
      return;
    }
    JsonObject payload;
    try {
      payload = new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      log.error("Dropping undecodable stream entry seq={} conversation={}", seq, conversationId, e);
      return;
    }
    EntryOrder order = ch.order();
    List<EntryOrder.Entry> ready =
        order.accept(new EntryOrder.Entry(seq, last, Subjects.kindOf(msg.getSubject()), payload));
    if (ready.isEmpty() && order.hasGaps()) {
      entriesHeld.increment();
      if (order.heldCount() > heldMax) {
        // a predecessor is long missing and entries pile up behind it: read them all back instead
        int dropped = order.heldCount();
        heldDropped.increment(dropped);
        resync.request(ch, order.dropHeld());
        return;
      }
    }
    inOrder.write(ch, ready);
    if (order.hasGaps() && ch.scheduleGapCheck()) {
      // an entry overtook its predecessor: give the predecessor a moment, then read it from the
      // stream
      ctx.owner()
          .setTimer(
              GAP_WAIT_MS,
              t -> {
                ch.gapCheckRuns();
                if (table.get(conversationId) == ch) {
                  order
                      .kindsWithGaps()
                      .forEach(kind -> fillGap(ch, kind, order.gapReadFrom(kind), false));
                }
              });
    }
  }

  /** Delivers, in order, the live entries that waited while catch-ups ran or the mark was read. */
  private void releaseHeld(Channel ch, HeldLive.Released waited) {
    if (table.get(ch.conversationId) != ch) {
      return; // released meanwhile: a channel opened since has entries of its own
    }
    // a delivered entry may start another catch-up, which holds what follows again
    waited.entries().forEach(m -> deliver(ch.conversationId, m));
    if (waited.droppedFrom() > 0) {
      resync.request(ch, waited.droppedFrom());
    }
  }

  /**
   * Reads the entries a gap is missing from the stream (the chain there is complete). A read that
   * finds nothing while entries still wait may have run before they were stored: a burst goes on
   * arriving while the gap is filled, and the predecessor of a newer entry may have been dropped at
   * the hand-off. Delivering what waits then would skip that predecessor for good (once an entry
   * past it is delivered, it counts as delivered), so the gap is read again, now that what waits is
   * stored. Only a second miss means the stream no longer has it. A failed read (NATS away) hands
   * the conversation to {@link Resync}, which tries again until it is back. When nothing of the
   * kind was delivered yet, the first entry read starts the chain (it is read from the mark, see
   * {@link EntryOrder#gapReadFrom}); a message's prev_seq then comes from history.
   */
  private void fillGap(Channel ch, String kind, long from, boolean readAgain) {
    String conversationId = ch.conversationId;
    String subject =
        Subjects.MESSAGE_KIND.equals(kind)
            ? subjects.streamMessages(conversationId)
            : subjects.streamEvents(conversationId);
    stream
        .nextOnSubject(ctx, from, subject)
        .onComplete(
            ar -> {
              EntryOrder order = ch.order();
              if (table.get(conversationId) != ch || !order.kindsWithGaps().contains(kind)) {
                return;
              }
              if (ar.succeeded() && ar.result() != null) {
                StreamEntry e = ar.result();
                previousOf(ch, kind, e.seq())
                    .onComplete(
                        prev -> {
                          if (table.get(conversationId) != ch
                              || !order.kindsWithGaps().contains(kind)) {
                            return;
                          }
                          long previousOnSubject = order.lastDelivered(kind);
                          if (previousOnSubject == 0) {
                            // nothing of the kind delivered: what was read from where its chain
                            // must begin starts it
                            previousOnSubject = prev.result() == null ? 0 : prev.result();
                            order.startAt(kind, previousOnSubject);
                          }
                          inOrder.write(
                              ch,
                              order.accept(
                                  new EntryOrder.Entry(
                                      e.seq(), previousOnSubject, kind, e.payload())));
                          fillGap(ch, kind, e.seq() + 1, false);
                        });
              } else if (ar.failed()) {
                log.warn(
                    "conversation {}: a gap in its {} entries could not be read from the stream ({}); reading it back",
                    conversationId,
                    kind,
                    ar.cause().toString());
                resync.request(ch, from);
              } else if (!readAgain) {
                fillGap(ch, kind, from, true);
              } else {
                log.warn(
                    "conversation {}: a gap in its {} entries is not in the stream any more; delivering what waits",
                    conversationId,
                    kind);
                inOrder.write(ch, order.flush(kind));
              }
            });
  }

  /**
   * The previous message of one read back to start a chain (completes on the hub's context, with
   * null when unknown: the first message, an event, or history unreachable).
   */
  private Future<Long> previousOf(Channel ch, String kind, long seq) {
    if (!Subjects.MESSAGE_KIND.equals(kind) || ch.order().lastDelivered(kind) > 0) {
      return Future.succeededFuture(null);
    }
    return OnContext.backOn(ctx, previous.before(ch.conversationId, seq))
        .recover(
            err -> {
              log.warn(
                  "prev_seq of seq {} in conversation {} unknown ({}); sent as null",
                  seq,
                  ch.conversationId,
                  err.toString());
              return Future.succeededFuture(null);
            });
  }
}
