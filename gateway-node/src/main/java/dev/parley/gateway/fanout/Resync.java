package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.gateway.concurrent.OnContext;
import dev.parley.gateway.stream.StreamEntry;
import dev.parley.gateway.stream.StreamReads;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a subscribed conversation back from the stream where this node's delivery of it stands,
 * and delivers what it missed through the channel's own {@link EntryOrder}, like a filled gap: in
 * order, once each, to the connections that receive it live. Used when live copies were lost or
 * dropped on purpose: the hand-off to the event loop was full ({@link Handoff}), too many entries
 * waited in a channel, or NATS reconnected (core-NATS copies sent meanwhile never arrive). Reads
 * go on to the stream's end, so what arrives live meanwhile is either read too or de-duplicated.
 * Touched only on the hub's context.
 */
final class Resync {
  private static final Logger log = LoggerFactory.getLogger(Resync.class);

  /** A read that failed (NATS still away) is tried again after this long. */
  private static final long RETRY_MS = 1000;

  /**
   * Where a channel's resync stands: one runs at a time, and one asked for meanwhile runs again
   * once it ends. Kept by the channel, changed by {@link Resync} alone.
   */
  static final class Marks {
    /** A resync is reading the stream back for the channel. */
    private boolean running;

    /** Another resync was asked for while one ran: it runs again, from where delivery then stands. */
    private boolean again;

    /** Where a resync of a kind with nothing delivered yet starts: the lowest sequence known missed (0: none). */
    private long missedFrom;

    /** A resync is asked for: true when one must start now, false when the running one runs again. */
    private boolean ask(long missedFrom) {
      if (missedFrom > 0) {
        this.missedFrom = this.missedFrom == 0 ? missedFrom : Math.min(this.missedFrom, missedFrom);
      }
      if (running) {
        again = true;
        return false;
      }
      return true;
    }

    /**
     * A resync starts; returns where a kind with nothing delivered yet is read from: the first
     * after the channel's exact {@code mark} (every entry past it is owed; -1: unknown), or an
     * earlier sequence known missed; the mark unknown, the lowest sequence known missed, else the
     * first after {@code openMark}.
     */
    private long start(long mark, long openMark) {
      running = true;
      again = false;
      long from;
      if (mark >= 0) {
        from = missedFrom > 0 ? Math.min(missedFrom, mark + 1) : mark + 1;
      } else {
        from = missedFrom > 0 ? missedFrom : openMark + 1;
      }
      missedFrom = 0;
      return from;
    }

    /** The resync read to the stream's end; true when another was asked for meanwhile. */
    private boolean reachedEnd() {
      running = false;
      return again;
    }

    /** A read failed: the resync stops, and is asked for again after a while. */
    private void failed() {
      running = false;
    }
  }

  private final Context ctx;
  private final Subscriptions table;
  private final StreamReads stream;
  private final Subjects subjects;
  private final PreviousMessages previous;
  private final InOrderWriter inOrder;
  private final Counter resyncs;

  /** @param inOrder writes entries the channel's order released (the feed's live path) */
  Resync(
      Context ctx,
      Subscriptions table,
      StreamReads stream,
      Subjects subjects,
      PreviousMessages previous,
      InOrderWriter inOrder,
      Counter resyncs) {
    this.ctx = ctx;
    this.table = table;
    this.stream = stream;
    this.subjects = subjects;
    this.previous = previous;
    this.inOrder = inOrder;
    this.resyncs = resyncs;
  }

  /**
   * Reads the channel back from where its delivery stands; for a kind nothing was delivered of
   * yet, from after the channel's mark (or {@code missedFrom}, the lowest sequence known lost, when
   * lower; 0: unknown). Without a mark, from {@code missedFrom}, else from where the node stood in
   * the stream when it subscribed the conversation.
   */
  void request(Channel ch, long missedFrom) {
    if (ch.resyncMarks().ask(missedFrom)) {
      start(ch);
    }
  }

  private void start(Channel ch) {
    resyncs.increment();
    long fallback = ch.resyncMarks().start(ch.mark(), ch.openMark);
    long from =
        Math.min(
            startOf(ch, Subjects.MESSAGE_KIND, fallback),
            startOf(ch, Subjects.EVENT_KIND, fallback));
    step(ch, from, fallback);
  }

  private static long startOf(Channel ch, String kind, long fallback) {
    long last = ch.order().lastDelivered(kind);
    return last > 0 ? last + 1 : fallback;
  }

  private void step(Channel ch, long from, long fallback) {
    String conversationId = ch.conversationId;
    if (table.get(conversationId) != ch) {
      return; // released: nobody here receives it any more
    }
    stream
        .nextOnSubject(ctx, from, subjects.streamConversation(conversationId))
        .onComplete(
            ar -> {
              if (table.get(conversationId) != ch) {
                return;
              }
              if (ar.failed()) {
                log.warn(
                    "conversation {}: reading the stream back from seq {} failed ({}); trying again in {} ms",
                    conversationId,
                    from,
                    ar.cause().toString(),
                    RETRY_MS);
                ch.resyncMarks().failed();
                ctx.owner()
                    .setTimer(
                        RETRY_MS,
                        t -> {
                          if (table.get(conversationId) == ch) {
                            request(ch, fallback);
                          }
                        });
                return;
              }
              StreamEntry e = ar.result();
              if (e == null) {
                if (ch.resyncMarks().reachedEnd()) {
                  start(ch);
                }
                return;
              }
              String kind = Subjects.kindOf(e.subject());
              long last = ch.order().lastDelivered(kind);
              if (e.seq() <= last || (last == 0 && e.seq() < fallback)) {
                step(
                    ch,
                    e.seq() + 1,
                    fallback); // delivered already, or before what this node ever delivered
                return;
              }
              previousOf(ch, kind, e.seq())
                  .onComplete(
                      prev -> {
                        if (table.get(conversationId) != ch) {
                          return;
                        }
                        // the kind's chain here, else what history says (the first message read
                        // back on a fresh channel)
                        long delivered = ch.order().lastDelivered(kind);
                        long previousOnSubject =
                            delivered > 0
                                ? delivered
                                : prev.succeeded() && prev.result() != null ? prev.result() : 0;
                        if (delivered == 0) {
                          // read from where the kind's chain must begin: this entry starts it
                          ch.order().startAt(kind, previousOnSubject);
                        }
                        inOrder.write(
                            ch,
                            ch.order()
                                .accept(
                                    new EntryOrder.Entry(
                                        e.seq(), previousOnSubject, kind, e.payload())));
                        step(ch, e.seq() + 1, fallback);
                      });
            });
  }

  /** A message's prev_seq when nothing of its chain was delivered here: from history (completes on ctx). */
  private Future<Long> previousOf(Channel ch, String kind, long seq) {
    if (!Subjects.MESSAGE_KIND.equals(kind) || ch.order().lastDelivered(kind) > 0) {
      return Future.succeededFuture(0L);
    }
    return OnContext.backOn(ctx, previous.before(ch.conversationId, seq));
  }
}
