package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.gateway.stream.StreamEntry;
import dev.parley.gateway.stream.StreamReads;
import io.micrometer.core.instrument.Counter;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each conversation's republished entries in stream order, once each. The stream
 * republishes over core NATS, and an entry can overtake its predecessor; {@link EntryOrder} holds
 * it until the predecessor arrives or, after {@link #GAP_WAIT_MS}, is read from the stream. Touched
 * only on the hub's context.
 */
final class ChannelFeed {
  private static final Logger log = LoggerFactory.getLogger(ChannelFeed.class);

  /** How long an entry that overtook its predecessor waits before the predecessor is read from the stream. */
  private static final long GAP_WAIT_MS = 200;

  private final Context ctx;
  private final Subscriptions table;
  private final StreamReads stream;
  private final Subjects subjects;
  private final EntryWriter writer;
  private final Counter entriesHeld;
  private final int heldMax;
  private final Counter heldDropped;
  private CatchUp catchUp;
  private Resync resync;

  /** The highest stream sequence delivered here, any conversation (where a new channel starts). */
  private long highestSeen;

  /**
   * @param heldMax most entries a channel holds back at once (waiting for catch-ups, or for an
   *     overtaken predecessor); past it they are dropped and read back from the stream
   */
  ChannelFeed(
      Context ctx,
      Subscriptions table,
      StreamReads stream,
      Subjects subjects,
      EntryWriter writer,
      Counter entriesHeld,
      int heldMax,
      Counter heldDropped) {
    this.ctx = ctx;
    this.table = table;
    this.stream = stream;
    this.subjects = subjects;
    this.writer = writer;
    this.entriesHeld = entriesHeld;
    this.heldMax = heldMax;
    this.heldDropped = heldDropped;
  }

  /**
   * Set once at wiring: the catch-up in turn hands held entries back to {@link #releaseHeld}, the
   * resync delivers through {@link #writeAll}.
   */
  void wire(CatchUp catchUp, Resync resync) {
    this.catchUp = catchUp;
    this.resync = resync;
  }

  /** The highest stream sequence delivered here so far (any conversation). */
  long highestSeen() {
    return highestSeen;
  }

  /** Raises {@link #highestSeen} (e.g. to the stream's last sequence at start). */
  void seen(long seq) {
    highestSeen = Math.max(highestSeen, seq);
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
    seen(seq);
    if (ch.heldLive != null) {
      if (ch.heldLive.size() < heldMax) {
        ch.holdLive(msg);
      } else {
        // too many wait for the catch-ups: stop holding; once they end, the stream is read back
        // instead
        heldDropped.increment();
        ch.heldLiveDroppedFrom =
            ch.heldLiveDroppedFrom == 0 ? seq : Math.min(ch.heldLiveDroppedFrom, seq);
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
    List<EntryOrder.Entry> ready =
        ch.order.accept(
            new EntryOrder.Entry(seq, last, Subjects.kindOf(msg.getSubject()), payload));
    if (ready.isEmpty() && ch.order.hasGaps()) {
      entriesHeld.increment();
      if (ch.order.heldCount() > heldMax) {
        // a predecessor is long missing and entries pile up behind it: read them all back instead
        int dropped = ch.order.heldCount();
        heldDropped.increment(dropped);
        resync.request(ch, ch.order.dropHeld());
        return;
      }
    }
    writeAll(ch, ready);
    if (!ch.gapCheckScheduled && ch.order.hasGaps()) {
      // an entry overtook its predecessor: give the predecessor a moment, then read it from the
      // stream
      ch.gapCheckScheduled = true;
      ctx.owner()
          .setTimer(
              GAP_WAIT_MS,
              t -> {
                ch.gapCheckScheduled = false;
                if (table.get(conversationId) == ch) {
                  ch.order
                      .kindsWithGaps()
                      .forEach(kind -> fillGap(ch, kind, ch.order.lastDelivered(kind) + 1, false));
                }
              });
    }
  }

  /** Delivers, in order, the live entries that waited while catch-ups ran. */
  void releaseHeld(Channel ch) {
    List<Message> held = ch.heldLive;
    ch.heldLive = null;
    long droppedFrom = ch.heldLiveDroppedFrom;
    ch.heldLiveDroppedFrom = 0;
    if (held != null) {
      // a delivered entry may start another catch-up, which holds what follows again
      held.forEach(m -> deliver(ch.conversationId, m));
    }
    if (droppedFrom > 0) {
      resync.request(ch, droppedFrom);
    }
  }

  /** Writes entries the channel's order released, and catches up whoever a delivered entry cut off and re-added. */
  void writeAll(Channel ch, List<EntryOrder.Entry> entries) {
    for (EntryOrder.Entry e : entries) {
      catchUp.rejoin(ch.conversationId, writer.writeLive(ch, e));
    }
  }

  /**
   * Reads the entries a gap is missing from the stream (the chain there is complete). A read that
   * finds nothing while entries still wait may have run before they were stored: a burst goes on
   * arriving while the gap is filled, and the predecessor of a newer entry may have been dropped at
   * the hand-off. Delivering what waits then would skip that predecessor for good (once an entry
   * past it is delivered, it counts as delivered), so the gap is read again, now that what waits is
   * stored. Only a second miss means the stream no longer has it. A failed read (NATS away) hands
   * the conversation to {@link Resync}, which tries again until it is back.
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
              if (table.get(conversationId) != ch || !ch.order.kindsWithGaps().contains(kind)) {
                return;
              }
              if (ar.succeeded() && ar.result() != null) {
                StreamEntry e = ar.result();
                writeAll(
                    ch,
                    ch.order.accept(
                        new EntryOrder.Entry(
                            e.seq(), ch.order.lastDelivered(kind), kind, e.payload())));
                fillGap(ch, kind, e.seq() + 1, false);
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
                writeAll(ch, ch.order.flush(kind));
              }
            });
  }
}
