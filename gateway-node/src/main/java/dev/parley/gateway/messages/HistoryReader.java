package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.messagerows.MessageRows;
import dev.parley.gateway.stream.UnstoredMessages;
import dev.parley.gateway.stream.UnstoredMessages.Window;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Reads history so that every acknowledged message is visible, even before the worker stored it.
 *
 * <p>The persistence consumer's ack floor F is read first: every entry at or below F is committed
 * in Postgres. Then Postgres gives the page, and the stream gives this conversation's messages
 * after F ({@link UnstoredMessages}: nothing to read when the worker has stored everything, else
 * one request per unstored message of this conversation plus one). The two are merged by
 * seq (Postgres wins: it has the current state). Reading F before Postgres matters: a batch
 * committed between the two reads is then found in Postgres, the stream, or both, never neither.
 *
 * <p>{@code prev_seq} of each item is its predecessor in the merged order, which is complete
 * (Postgres holds everything up to F, the stream everything after), so it is right even for
 * messages the worker has not stored yet.
 */
public final class HistoryReader {
  private final Pool pool;
  private final UnstoredMessages unstored;
  private final DistributionSummary tailSizes;

  public HistoryReader(Pool pool, UnstoredMessages unstored, MeterRegistry registry) {
    this.pool = pool;
    this.unstored = unstored;
    this.tailSizes =
        DistributionSummary.builder("parley_history_stream_tail_messages")
            .description(
                "messages a history read took from the stream because the worker had not stored them yet")
            .register(registry);
  }

  /** Messages after {@code afterSeq}, oldest first. */
  public Future<HistoryPage> after(String conversationId, long afterSeq, int limit) {
    Context ctx = Vertx.currentContext();
    return unstored
        .window(ctx, conversationId)
        .compose(
            window -> {
              Future<List<ChatMessage>> rows =
                  query(MessageSql.PAGE_AFTER, Tuple.of(conversationId, afterSeq, limit + 1));
              Future<Long> predecessor =
                  pool.preparedQuery(MessageSql.PREDECESSOR)
                      .execute(Tuple.of(conversationId, afterSeq))
                      .recover(Failures::database)
                      .map(rs -> rs.iterator().next().getLong(0));
              Future<List<ChatMessage>> tail = tail(ctx, conversationId, window, Long.MAX_VALUE);
              return Future.all(rows, predecessor, tail)
                  .map(
                      done -> {
                        NavigableMap<Long, ChatMessage> merged =
                            merge(rows.result(), tail.result());
                        Long pred = predecessor.result();
                        Map.Entry<Long, ChatMessage> tailPred = merged.floorEntry(afterSeq);
                        if (tailPred != null && (pred == null || tailPred.getKey() > pred)) {
                          pred = tailPred.getKey();
                        }
                        List<ChatMessage> candidates =
                            new ArrayList<>(merged.tailMap(afterSeq, false).values());
                        boolean hasMore = candidates.size() > limit;
                        return new HistoryPage(
                            chain(candidates.subList(0, Math.min(limit, candidates.size())), pred),
                            hasMore);
                      });
            });
  }

  /** Messages before {@code beforeSeq} (or the newest when null), oldest first. */
  public Future<HistoryPage> before(String conversationId, Long beforeSeq, int limit) {
    long bound = beforeSeq == null ? Long.MAX_VALUE : beforeSeq;
    Context ctx = Vertx.currentContext();
    return unstored
        .window(ctx, conversationId)
        .compose(
            window -> {
              Future<List<ChatMessage>> rows =
                  query(MessageSql.PAGE_BEFORE, Tuple.of(conversationId, bound, limit + 1));
              Future<List<ChatMessage>> tail = tail(ctx, conversationId, window, bound);
              return Future.all(rows, tail)
                  .map(
                      done -> {
                        NavigableMap<Long, ChatMessage> merged =
                            merge(rows.result(), tail.result());
                        List<ChatMessage> newestFirst =
                            new ArrayList<>(merged.headMap(bound, false).descendingMap().values());
                        boolean hasMore = newestFirst.size() > limit;
                        Long pred = hasMore ? newestFirst.get(limit).seq() : null;
                        List<ChatMessage> page =
                            new ArrayList<>(
                                newestFirst.subList(0, Math.min(limit, newestFirst.size())));
                        Collections.reverse(page);
                        return new HistoryPage(chain(page, pred), hasMore);
                      });
            });
  }

  /** The message stored at {@code seq}, with its prev_seq. */
  public Future<ChatMessage> at(String conversationId, long seq) {
    return before(conversationId, seq + 1, 1)
        .map(
            page -> {
              if (page.items().isEmpty() || page.items().get(0).seq() != seq) {
                throw new IllegalStateException(
                    "message seq "
                        + seq
                        + " of conversation "
                        + conversationId
                        + " is in neither the stream nor Postgres");
              }
              return page.items().get(0);
            });
  }

  private Future<List<ChatMessage>> query(String sql, Tuple params) {
    return pool.preparedQuery(sql)
        .execute(params)
        .recover(Failures::database)
        .map(
            rows -> {
              List<ChatMessage> out = new ArrayList<>(rows.size());
              for (Row r : rows) {
                out.add(MessageRows.fromRow(r));
              }
              return out;
            });
  }

  /** This conversation's messages in the window (not stored yet) below {@code bound}. */
  private Future<List<ChatMessage>> tail(
      Context ctx, String conversationId, Window window, long bound) {
    return unstored
        .before(ctx, conversationId, window, bound)
        .onSuccess(out -> tailSizes.record(out.size()));
  }

  private static NavigableMap<Long, ChatMessage> merge(
      List<ChatMessage> fromDb, List<ChatMessage> fromStream) {
    NavigableMap<Long, ChatMessage> merged = new TreeMap<>();
    for (ChatMessage m : fromStream) {
      merged.put(m.seq(), m);
    }
    for (ChatMessage m : fromDb) {
      merged.put(m.seq(), m);
    }
    return merged;
  }

  /** Sets each item's prev_seq to its predecessor in order; the first gets {@code firstPrev}. */
  private static List<ChatMessage> chain(List<ChatMessage> ordered, Long firstPrev) {
    List<ChatMessage> out = new ArrayList<>(ordered.size());
    Long prev = firstPrev;
    for (ChatMessage m : ordered) {
      out.add(m.withPrevSeq(prev));
      prev = m.seq();
    }
    return out;
  }
}
