package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.concurrent.OnContext;
import dev.parley.gateway.stream.StreamEntry;
import dev.parley.gateway.stream.StreamReads;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings connections of just-added users up to date before they receive a conversation live. A
 * membership change names the stream sequence its users' membership starts at ({@code
 * sinceSeq}: its first entry, e.g. {@code member.added}); what the stream stored from there may
 * have been delivered here before the change's notice arrived, or republished before this node
 * subscribed. So the stream is read back from {@code sinceSeq} to its end and written to the
 * joining connections only; then they join the channel, with a floor that makes them skip the
 * live copies of what they were given. Live entries wait while a catch-up runs (the channel's
 * {@link HeldLive}, told when each starts and ends, releases them after the last), so a joiner never
 * sees a later entry before an earlier one. Read-back entries never enter the channel's {@link
 * EntryOrder}: the connections already there keep their own delivery untouched. Touched only on
 * the hub's context.
 */
final class CatchUp {
  private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

  /** A read that failed (NATS away) is tried again after this long. */
  private static final long RETRY_MS = 1000;

  /** About half a minute of failed reads: longer than a NATS reconnect takes. */
  private static final int MAX_RETRIES = 30;

  /** The connections catching up together from one sequence, and where their read-back stands. */
  static final class Job {
    private final Channel channel;
    private final long fromSeq;
    private final Set<LocalConnection> joiners = new HashSet<>();

    /** The last sequence read back (0: none yet). */
    private long lastReplayed;

    /** The last message read back: the next one's prev_seq (0: none yet). */
    private long lastMessage;

    private long lastEvent;

    /** Nobody here had received anything of the conversation when this started. */
    private final boolean freshChannel;

    /** Reads of the stream that failed so far. */
    private int failures;

    Job(Channel channel, long fromSeq) {
      this.channel = channel;
      this.fromSeq = fromSeq;
      this.freshChannel = channel.untouched();
    }

    /** Kept in step with the channel's joining connections by {@link Channel} alone. */
    void add(LocalConnection c) {
      joiners.add(c);
    }

    /** The connection stopped catching up (it left, or closed). */
    void drop(LocalConnection c) {
      joiners.remove(c);
    }

    /** The connections still catching up in this job. */
    Set<LocalConnection> joiners() {
      return Collections.unmodifiableSet(joiners);
    }
  }

  private final Context ctx;
  private final Subscriptions table;
  private final StreamReads stream;
  private final Subjects subjects;
  private final EntryWriter writer;
  private final StoredCopies storedCopies;
  private final PreviousMessages previous;

  CatchUp(
      Context ctx,
      Subscriptions table,
      StreamReads stream,
      Subjects subjects,
      EntryWriter writer,
      StoredCopies storedCopies,
      PreviousMessages previous) {
    this.ctx = ctx;
    this.table = table;
    this.stream = stream;
    this.subjects = subjects;
    this.writer = writer;
    this.storedCopies = storedCopies;
    this.previous = previous;
  }

  /** Starts bringing {@code joiners} up to date from {@code fromSeq}; they hold the conversation from now. */
  void start(Channel ch, Collection<LocalConnection> joiners, long fromSeq) {
    Job job = new Job(ch, fromSeq);
    for (LocalConnection c : joiners) {
      if (table.hold(c, ch.conversationId)) {
        ch.startCatchingUp(c, job, fromSeq);
      }
    }
    if (job.joiners.isEmpty()) {
      table.releaseIfIdle(ch);
      return;
    }
    // live entries wait from now until the channel's last catch-up ends
    ch.heldLive().catchUpStarted();
    step(job, fromSeq);
  }

  /** Catches connections up again after a delivered entry cut them off. */
  void rejoin(String conversationId, List<EntryWriter.Rejoin> rejoins) {
    for (EntryWriter.Rejoin r : rejoins) {
      start(table.open(conversationId), List.of(r.connection()), r.memberSince());
    }
  }

  private void step(Job job, long from) {
    Channel ch = job.channel;
    if (table.get(ch.conversationId) != ch) {
      return; // released: everyone left
    }
    if (job.joiners.isEmpty()) {
      finish(job);
      return;
    }
    stream
        .nextOnSubject(ctx, from, subjects.streamConversation(ch.conversationId))
        .onComplete(
            ar -> {
              if (table.get(ch.conversationId) != ch) {
                return;
              }
              if (ar.failed() && job.failures >= MAX_RETRIES) {
                log.warn(
                    "catching up conversation {} from seq {} failed {} times; its new members get live events only: {}",
                    ch.conversationId,
                    from,
                    job.failures,
                    ar.cause().toString());
                finish(job);
              } else if (ar.failed()) {
                // NATS away (live entries wait meanwhile, within PARLEY_FANOUT_HELD_MAX): try
                // again, from here
                if (job.failures++ == 0) {
                  log.warn(
                      "catching up conversation {} from seq {} failed; trying again every {} ms: {}",
                      ch.conversationId,
                      from,
                      RETRY_MS,
                      ar.cause().toString());
                }
                ctx.owner().setTimer(RETRY_MS, t -> step(job, from));
              } else if (ar.result() == null) {
                finish(job);
              } else {
                StreamEntry e = ar.result();
                replay(job, e).onComplete(done -> step(job, e.seq() + 1));
              }
            });
  }

  private Future<Void> replay(Job job, StreamEntry e) {
    String kind = Subjects.kindOf(e.subject());
    boolean message = Subjects.MESSAGE_KIND.equals(kind);
    Future<String> frame =
        message
            ? previousOf(job, e.seq()).map(prev -> writer.messageFrame(e.payload(), e.seq(), prev))
            : Future.succeededFuture(e.payload().encode());
    return frame
        .map(
            f -> {
              job.lastReplayed = e.seq();
              if (message) {
                job.lastMessage = e.seq();
              } else {
                job.lastEvent = e.seq();
              }
              Channel ch = job.channel;
              if (table.get(ch.conversationId) == ch) {
                rejoin(
                    ch.conversationId,
                    writer.writeTo(ch, job.joiners, kind, e.payload(), e.seq(), f));
              }
              return (Void) null;
            })
        .recover(
            err -> {
              log.error(
                  "Skipping an undecodable stream entry seq={} conversation={} while catching up",
                  e.seq(),
                  job.channel.conversationId,
                  err);
              job.lastReplayed = e.seq();
              return Future.succeededFuture();
            });
  }

  /** The prev_seq of a read-back message: the message read back before it, else this node's copy, else history. */
  private Future<Long> previousOf(Job job, long seq) {
    if (job.lastMessage > 0) {
      return Future.succeededFuture(job.lastMessage);
    }
    ChatMessage seen = storedCopies.recent(job.channel.conversationId, seq);
    if (seen != null) {
      return Future.succeededFuture(seen.prevSeq());
    }
    // history reads may complete elsewhere; the table is only ever touched on the hub's context
    return OnContext.backOn(ctx, previous.before(job.channel.conversationId, seq))
        .recover(
            err -> {
              log.warn(
                  "prev_seq of seq {} in conversation {} unknown while catching up ({}); sent as null",
                  seq,
                  job.channel.conversationId,
                  err.toString());
              return Future.succeededFuture(null);
            });
  }

  private void finish(Job job) {
    Channel ch = job.channel;
    long floor = Math.max(job.fromSeq - 1, job.lastReplayed);
    for (LocalConnection c : job.joiners) {
      ch.caughtUp(c, floor);
    }
    job.joiners.clear();
    if (job.freshChannel) {
      // what was read back is where this node's chains start: live entries continue from there
      ch.order().startAt(Subjects.MESSAGE_KIND, Math.max(job.lastMessage, job.fromSeq - 1));
      ch.order().startAt(Subjects.EVENT_KIND, Math.max(job.lastEvent, job.fromSeq - 1));
    }
    ch.heldLive().catchUpEnded();
  }
}
