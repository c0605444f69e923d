package dev.parley.gateway.fanout;

import dev.parley.gateway.stream.StreamEntry;
import dev.parley.gateway.stream.StreamReads;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory stream for the fan-out's reads: entries by sequence, on subjects like the real
 * stream's ({@code ….msg}, {@code ….event}, a trailing {@code *} matching either). Reads are
 * answered at once, or, while {@link #pause paused}, wait until the test answers them: that is
 * how a test runs a catch-up or a gap read while live entries arrive. Used on one thread (the
 * test's Vert.x context).
 */
final class FakeStream implements StreamReads {
  /** One read of the stream: from where, on which subject. */
  record Read(long from, String subject) {}

  private record Waiting(Read read, Promise<StreamEntry> answer) {}

  private final TreeMap<Long, StreamEntry> entries = new TreeMap<>();
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private final List<Read> reads = new ArrayList<>();
  private long lastSeq;
  private boolean paused;
  private int failuresToGive;
  private int endReadsToFail;
  private final List<Promise<Long>> endReadsWaiting = new ArrayList<>();
  private boolean endReadsPaused;
  private int endReads;

  /** Stores an entry at the next sequence; returns that sequence. */
  long append(String subject, JsonObject payload) {
    long seq = ++lastSeq;
    entries.put(seq, new StreamEntry(seq, subject, payload));
    return seq;
  }

  /** Leaves sequences out (entries of other conversations, say). */
  void skip(long count) {
    lastSeq += count;
  }

  long lastSeq() {
    return lastSeq;
  }

  StreamEntry at(long seq) {
    return entries.get(seq);
  }

  /** The sequence of the previous entry on the same subject as {@code seq} (0: none). */
  long previousOnSubject(long seq) {
    String subject = entries.get(seq).subject();
    for (Map.Entry<Long, StreamEntry> e : entries.headMap(seq, false).descendingMap().entrySet()) {
      if (e.getValue().subject().equals(subject)) {
        return e.getKey();
      }
    }
    return 0;
  }

  @Override
  public Future<StreamEntry> nextOnSubject(Context ctx, long fromSeq, String subject) {
    Read read = new Read(fromSeq, subject);
    reads.add(read);
    Promise<StreamEntry> answer = Promise.promise();
    if (paused) {
      waiting.add(new Waiting(read, answer));
    } else {
      answer(read, answer);
    }
    return answer.future();
  }

  /**
   * The stream's last sequence, as a new channel's mark is read (at once, unless {@link
   * #pauseEndReads paused} or told to {@link #failEndReads fail}).
   */
  Future<Long> lastSequence() {
    endReads++;
    if (endReadsToFail > 0) {
      endReadsToFail--;
      return Future.failedFuture(new IllegalStateException("stream unavailable"));
    }
    if (endReadsPaused) {
      Promise<Long> answer = Promise.promise();
      endReadsWaiting.add(answer);
      return answer.future();
    }
    return Future.succeededFuture(lastSeq);
  }

  /** The next {@code count} reads of the stream's last sequence fail. */
  void failEndReads(int count) {
    endReadsToFail = count;
  }

  /** Reads of the stream's last sequence wait from now until {@link #answerEndReads}. */
  void pauseEndReads() {
    endReadsPaused = true;
  }

  /** Answers the waiting reads of the last sequence with {@code seq}, and the next ones at once. */
  void answerEndReads(long seq) {
    endReadsPaused = false;
    List<Promise<Long>> now = new ArrayList<>(endReadsWaiting);
    endReadsWaiting.clear();
    now.forEach(p -> p.complete(seq));
  }

  /** How many times the stream's last sequence was read. */
  int endReads() {
    return endReads;
  }

  /** Reads wait from now until answered. */
  void pause() {
    paused = true;
  }

  /** Answers the reads waiting now (reads they lead to wait in turn while paused); returns how many. */
  int answerWaiting() {
    List<Waiting> now = new ArrayList<>(waiting);
    waiting.clear();
    now.forEach(w -> answer(w.read(), w.answer()));
    return now.size();
  }

  /**
   * Answers the reads waiting now as if the stream ended at {@code visibleUpTo}: a read that ran
   * before later entries were stored.
   */
  void answerWaitingAsOf(long visibleUpTo) {
    List<Waiting> now = new ArrayList<>(waiting);
    waiting.clear();
    for (Waiting w : now) {
      StreamEntry e = first(w.read());
      w.answer().complete(e == null || e.seq() > visibleUpTo ? null : e);
    }
  }

  /** The entry is no longer in the stream (aged out). */
  void forget(long seq) {
    entries.remove(seq);
  }

  /** Answers reads at once again, and every read waiting. */
  void resume() {
    paused = false;
    while (!waiting.isEmpty()) {
      Waiting w = waiting.poll();
      answer(w.read(), w.answer());
    }
  }

  int waitingReads() {
    return waiting.size();
  }

  /** Every read so far, in order. */
  List<Read> reads() {
    return List.copyOf(reads);
  }

  /** The next {@code count} reads answered fail, as when NATS is away. */
  void failNext(int count) {
    failuresToGive = count;
  }

  private void answer(Read read, Promise<StreamEntry> answer) {
    if (failuresToGive > 0) {
      failuresToGive--;
      answer.fail(new IllegalStateException("stream unavailable"));
      return;
    }
    answer.complete(first(read));
  }

  private StreamEntry first(Read read) {
    for (StreamEntry e : entries.tailMap(read.from(), true).values()) {
      if (matches(read.subject(), e.subject())) {
        return e;
      }
    }
    return null;
  }

  private static boolean matches(String filter, String subject) {
    if (filter.endsWith(".*")) {
      String prefix = filter.substring(0, filter.length() - 1);
      return subject.startsWith(prefix) && subject.indexOf('.', prefix.length()) < 0;
    }
    return filter.equals(subject);
  }
}
