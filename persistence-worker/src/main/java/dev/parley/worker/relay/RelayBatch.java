package dev.parley.worker.relay;

import dev.parley.contract.Subjects;
import dev.parley.contract.tracing.StreamTraceHeaders;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.worker.batch.Delivery;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of stream entries on their way to {@code <prefix>.conv.<id>.events}: decoded once, then,
 * with each message's stored {@code prev_seq}, turned into the frames WebSocket clients get, in
 * stream order. Pure: no I/O, so the frame rules are unit-tested.
 */
final class RelayBatch {
  static final String ALREADY_RELAYED = "already_relayed";
  static final String UNDECODABLE = "undecodable";
  static final String NOT_STORED = "not_stored";

  /**
   * A decoded entry: a message draft ({@code msg}) or an event payload ({@code event}), and the
   * {@code traceparent} its publisher wrote (null: none).
   */
  record Entry(
      long seq, String conversationId, String kind, JsonObject payload, String traceparent) {
    boolean isMessage() {
      return Subjects.MESSAGE_KIND.equals(kind);
    }
  }

  /**
   * A frame to publish: where, what, the entry's seq (the {@code Parley-Seq} header) and its
   * traceparent, passed on to integrators as it came (null: none).
   */
  record Outgoing(long seq, String subject, String kind, String frame, String traceparent) {}

  /** What a message's row says: whether the worker stored it, and its prev_seq if so. */
  record Stored(boolean stored, Long prevSeq) {}

  private final Subjects subjects;
  private final List<Entry> entries;
  private final Map<String, Integer> skipped;
  private final List<String> notes;
  private final long highestSeq;

  private RelayBatch(
      Subjects subjects,
      List<Entry> entries,
      Map<String, Integer> skipped,
      List<String> notes,
      long highestSeq) {
    this.subjects = subjects;
    this.entries = entries;
    this.skipped = skipped;
    this.notes = notes;
    this.highestSeq = highestSeq;
  }

  /**
   * Decodes {@code batch} in order. An entry at or below {@code relayedUpTo} was relayed already in
   * this term (a redelivery) and is left out, as is one that cannot be read (the persistence worker
   * sets those aside too).
   */
  static RelayBatch decode(List<? extends Delivery> batch, Subjects subjects, long relayedUpTo) {
    List<Entry> entries = new ArrayList<>(batch.size());
    Map<String, Integer> skipped = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    long highest = relayedUpTo;
    for (Delivery d : batch) {
      long seq = d.streamSeq();
      if (seq <= highest) {
        skipped.merge(ALREADY_RELAYED, 1, Integer::sum);
        continue;
      }
      highest = seq;
      try {
        String kind = Subjects.kindOf(d.subject());
        if (!Subjects.MESSAGE_KIND.equals(kind) && !Subjects.EVENT_KIND.equals(kind)) {
          throw new IllegalArgumentException("unknown subject kind " + kind);
        }
        JsonObject payload = new JsonObject(Buffer.buffer(d.data()));
        entries.add(
            new Entry(
                seq,
                subjects.conversationOf(d.subject()),
                kind,
                payload,
                d.header(StreamTraceHeaders.TRACEPARENT)));
      } catch (RuntimeException e) {
        skipped.merge(UNDECODABLE, 1, Integer::sum);
        notes.add("seq " + seq + " on " + d.subject() + " cannot be read (" + e.getMessage() + ")");
      }
    }
    return new RelayBatch(subjects, entries, skipped, notes, highest);
  }

  List<Entry> entries() {
    return entries;
  }

  /** Entries left out while decoding, by reason. */
  Map<String, Integer> skipped() {
    return skipped;
  }

  /** One line per entry left out for a reason an operator may want to know (not a redelivery). */
  List<String> notes() {
    return notes;
  }

  /** The highest seq this batch covers, relayed or left out: the next batch starts above it. */
  long highestSeq() {
    return highestSeq;
  }

  /** The highest message seq: the persistence consumer must have stored up to here first. */
  long highestMessageSeq() {
    long max = 0;
    for (Entry e : entries) {
      if (e.isMessage()) {
        max = Math.max(max, e.seq());
      }
    }
    return max;
  }

  List<Entry> messages() {
    return entries.stream().filter(Entry::isMessage).toList();
  }

  /**
   * The frames, in stream order: {@code message.new} with the draft, its seq and its stored
   * prev_seq; an event's payload as it is. A message with no row is left out (counted as
   * {@code not_stored}): what integrators see is what history holds.
   *
   * @param stored by seq, for every message of the batch
   */
  List<Outgoing> frames(Map<Long, Stored> stored) {
    List<Outgoing> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      String subject = subjects.conversationEvents(e.conversationId());
      if (!e.isMessage()) {
        out.add(new Outgoing(e.seq(), subject, e.kind(), e.payload().encode(), e.traceparent()));
        continue;
      }
      Stored row = stored.get(e.seq());
      if (row == null || !row.stored()) {
        skipped.merge(NOT_STORED, 1, Integer::sum);
        notes.add(
            "message seq "
                + e.seq()
                + " of conversation "
                + e.conversationId()
                + " is not in Postgres (a resend kept out by its client_msg_id, or a dead letter)");
        continue;
      }
      try {
        out.add(
            new Outgoing(
                e.seq(),
                subject,
                e.kind(),
                messageNew(e.payload(), e.seq(), row.prevSeq()),
                e.traceparent()));
      } catch (RuntimeException ex) {
        skipped.merge(UNDECODABLE, 1, Integer::sum);
        notes.add(
            "message seq "
                + e.seq()
                + " of conversation "
                + e.conversationId()
                + " is not a readable draft ("
                + ex.getMessage()
                + ")");
      }
    }
    return out;
  }

  /** Exactly what a gateway writes to its WebSocket clients for a stored message. */
  static String messageNew(JsonObject draft, long seq, Long prevSeq) {
    return Frames.event(EventType.MESSAGE_NEW, ChatMessage.fromDraft(draft, seq, prevSeq).toJson())
        .encode();
  }
}
