package dev.parley.gateway.stream;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.failure.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The messages a read must add to what Postgres holds: those the stream acknowledged and the worker
 * has not stored yet. A read takes the persistence consumer's position first ({@link #window}, one
 * request): every entry at or below its ack floor is committed, so Postgres read after it plus the
 * messages of the window above the floor is exact. Usually the window is empty and the read is
 * Postgres alone; otherwise it collects only what concerns it:
 * <ul>
 *   <li>one conversation's messages ({@link #of}): that conversation's subject read from the floor
 *       on, one request per unstored message plus one, never the other conversations';</li>
 *   <li>every message of the window ({@link #all}, for reads over all of a user's conversations),
 *       read by sequence, {@value #PARALLEL} requests at a time, at most {@code maxScan} entries,
 *       past which the read answers 503 {@code unavailable}; entries read by an earlier read are
 *       taken from {@link WindowCache}, so under load a read fetches only the newest few;</li>
 *   <li>the messages passing a test ({@link #matching}, for lookups by id), newest first, so a
 *       message acknowledged a moment ago is found among the first entries read whatever backlog
 *       lies before it.</li>
 * </ul>
 *
 * <p>With several partitions each has its own floor and sequences: a window is one range per
 * partition. A read about one conversation asks only its partition's position ({@link
 * #window(Context, String)}); reads over every conversation ask every partition's.
 */
public final class UnstoredMessages {
  /** Stream reads in flight at once for one read. */
  static final int PARALLEL = 32;

  private final StreamClient stream;
  private final Subjects subjects;
  private final int maxTail;
  private final int maxScan;
  private final WindowCache[] caches;

  /**
   * @param maxTail most unstored messages of one conversation a read takes ({@code PARLEY_HISTORY_MAX_STREAM_TAIL})
   * @param maxScan most entries a read over every conversation looks at ({@code PARLEY_READ_MAX_STREAM_SCAN})
   */
  public UnstoredMessages(StreamClient stream, Subjects subjects, int maxTail, int maxScan) {
    this.stream = stream;
    this.subjects = subjects;
    this.maxTail = maxTail;
    this.maxScan = maxScan;
    this.caches = new WindowCache[stream.partitions()];
    for (int i = 0; i < caches.length; i++) {
      caches[i] = new WindowCache(2 * maxScan);
    }
  }

  /**
   * A partition's entries a read may not find in Postgres: those in ({@code floor}, {@code last}].
   */
  public record Range(int partition, long floor, long last) {
    public boolean isEmpty() {
      return last <= floor;
    }

    public long size() {
      return Math.max(0, last - floor);
    }
  }

  /** The entries a read may not find in Postgres: a range per partition it asked about. */
  public record Window(List<Range> ranges) {
    public boolean isEmpty() {
      return ranges.stream().allMatch(Range::isEmpty);
    }

    public long size() {
      return ranges.stream().mapToLong(Range::size).sum();
    }

    Range of(int partition) {
      for (Range r : ranges) {
        if (r.partition() == partition) {
          return r;
        }
      }
      throw new IllegalArgumentException("this window has no range of partition " + partition);
    }
  }

  /** Where the worker stands now in every partition; take it before reading Postgres. */
  public Future<Window> window(Context ctx) {
    List<Future<Range>> ranges = new ArrayList<>(caches.length);
    for (int i = 0; i < caches.length; i++) {
      ranges.add(range(ctx, i));
    }
    return Future.all(ranges).map(done -> new Window(ranges.stream().map(Future::result).toList()));
  }

  /**
   * Where the worker stands now in the conversation's partition, the only one a read of that
   * conversation needs; take it before reading Postgres.
   */
  public Future<Window> window(Context ctx, String conversationId) {
    return range(ctx, stream.partitionOf(conversationId)).map(r -> new Window(List.of(r)));
  }

  private Future<Range> range(Context ctx, int partition) {
    return stream
        .persistencePosition(ctx, partition)
        .map(
            p -> {
              caches[partition].dropThrough(p.floor());
              return new Range(partition, p.floor(), p.last());
            });
  }

  /** The conversation's messages in the window, oldest first; 503 past {@code maxTail} of them. */
  public Future<List<ChatMessage>> of(Context ctx, String conversationId, Window window) {
    return before(ctx, conversationId, window, Long.MAX_VALUE);
  }

  /** As {@link #of}, only those below {@code bound}. */
  public Future<List<ChatMessage>> before(
      Context ctx, String conversationId, Window window, long bound) {
    List<ChatMessage> out = new ArrayList<>();
    Range range = window.of(subjects.partitionOf(conversationId));
    if (range.isEmpty()) {
      return Future.succeededFuture(out);
    }
    return readFrom(ctx, subjects.streamMessages(conversationId), range.floor() + 1, bound, out)
        .map(out);
  }

  private Future<Void> readFrom(
      Context ctx, String subject, long from, long bound, List<ChatMessage> out) {
    if (from >= bound) {
      return Future.succeededFuture();
    }
    return stream
        .nextOnSubject(ctx, from, subject)
        .compose(
            e -> {
              if (e == null || e.seq() >= bound) {
                return Future.succeededFuture();
              }
              if (out.size() >= maxTail) {
                return Future.failedFuture(
                    ApiException.unavailable(
                        "this conversation is catching up: more than "
                            + maxTail
                            + " of its messages are not stored yet; retry shortly",
                        null));
              }
              ChatMessage m = decode(e);
              if (m != null) {
                out.add(m);
              }
              return readFrom(ctx, subject, e.seq() + 1, bound, out);
            });
  }

  /** Every message of the window, of every conversation, oldest first; 503 when the window is wider than the bound. */
  public Future<List<ChatMessage>> all(Context ctx, Window window) {
    if (window.size() > maxScan) {
      return Future.failedFuture(
          ApiException.unavailable(
              "recent messages are still being stored ("
                  + window.size()
                  + " behind, more than the "
                  + maxScan
                  + " a read looks at); retry shortly",
              null));
    }
    List<ChatMessage> out = new ArrayList<>();
    Future<Void> read = Future.succeededFuture();
    for (Range r : window.ranges()) {
      read = read.compose(v -> readUp(ctx, r.partition(), r.floor() + 1, r.last(), out));
    }
    return read.map(out);
  }

  private Future<Void> readUp(
      Context ctx, int partition, long from, long last, List<ChatMessage> out) {
    if (from > last) {
      return Future.succeededFuture();
    }
    long to = Math.min(last, from + PARALLEL - 1);
    return readRange(ctx, partition, from, to)
        .compose(
            found -> {
              out.addAll(found);
              return readUp(ctx, partition, to + 1, last, out);
            });
  }

  /**
   * What a lookup learned from the window: the messages passing its test, newest first; and whether
   * the whole window was read (when not, finding none proves nothing).
   */
  public record Found(List<ChatMessage> messages, boolean complete) {}

  /**
   * The window's messages passing {@code test}, each partition's read newest first (a message
   * acknowledged a moment ago is among the first entries read, whatever backlog lies before it) and
   * at most the bound's worth of entries per partition; with {@code firstOnly} the read stops at
   * the first (an id: there is one).
   */
  public Future<Found> matching(
      Context ctx, Window window, Predicate<ChatMessage> test, boolean firstOnly) {
    List<ChatMessage> out = new ArrayList<>();
    boolean[] complete = {true};
    Future<Void> read = Future.succeededFuture();
    for (Range r : window.ranges()) {
      if (r.isEmpty()) {
        continue;
      }
      long lowest = Math.max(r.floor() + 1, r.last() - maxScan + 1);
      complete[0] &= lowest == r.floor() + 1;
      read =
          read.compose(
              v ->
                  firstOnly && !out.isEmpty()
                      ? Future.succeededFuture()
                      : readDown(ctx, r.partition(), r.last(), lowest, test, firstOnly, out));
    }
    return read.map(v -> new Found(out, complete[0] || (firstOnly && !out.isEmpty())));
  }

  private Future<Void> readDown(
      Context ctx,
      int partition,
      long from,
      long lowest,
      Predicate<ChatMessage> test,
      boolean firstOnly,
      List<ChatMessage> out) {
    if (from < lowest || (firstOnly && !out.isEmpty())) {
      return Future.succeededFuture();
    }
    long to = Math.max(lowest, from - PARALLEL + 1);
    return readRange(ctx, partition, to, from)
        .compose(
            found -> {
              for (int i = found.size() - 1; i >= 0; i--) {
                if (test.test(found.get(i))) {
                  out.add(found.get(i));
                }
              }
              return readDown(ctx, partition, to - 1, lowest, test, firstOnly, out);
            });
  }

  /**
   * The messages stored at {@code from}..{@code to} of a partition, in sequence order (other
   * entries skipped): those this gateway read before from {@link WindowCache}, the others read at
   * once.
   */
  private Future<List<ChatMessage>> readRange(Context ctx, int partition, long from, long to) {
    WindowCache cache = caches[partition];
    List<Future<Optional<ChatMessage>>> reads = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      Optional<ChatMessage> known = cache.get(seq);
      long at = seq;
      reads.add(
          known != null
              ? Future.succeededFuture(known)
              : stream
                  .entryAt(ctx, partition, seq)
                  .map(
                      e -> {
                        Optional<ChatMessage> read =
                            e == null || !Subjects.MESSAGE_KIND.equals(Subjects.kindOf(e.subject()))
                                ? WindowCache.NOT_A_MESSAGE
                                : Optional.ofNullable(decode(e));
                        cache.put(at, read);
                        return read;
                      }));
    }
    return Future.all(reads)
        .map(
            done -> {
              List<ChatMessage> out = new ArrayList<>();
              for (Future<Optional<ChatMessage>> read : reads) {
                read.result().ifPresent(out::add);
              }
              return out;
            });
  }

  /** The entry's message; null for one that is no readable draft (the worker sets those aside, so Postgres never has them). */
  private static ChatMessage decode(StreamEntry e) {
    try {
      return ChatMessage.fromDraft(e.payload(), e.seq(), null);
    } catch (RuntimeException bad) {
      return null;
    }
  }
}
