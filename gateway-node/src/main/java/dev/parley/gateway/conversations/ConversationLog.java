package dev.parley.gateway.conversations;

import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.stream.StreamClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Applies a change to a conversation in Postgres and writes its events to the stream, in one order
 * for both. The conversation's row is locked for the transaction, so two changes to one
 * conversation (on any nodes) commit in the same order their events take in the stream: what
 * clients see happen is what the database holds. The events are written before the commit, so a
 * change the stream refused is rolled back and the caller told to retry ({@code unavailable}).
 *
 * <p>Messages do not come through here: they go straight to the stream (see {@code SendService}),
 * so sends keep working while Postgres is down. Everything else that changes a conversation does.
 */
public final class ConversationLog {
  private final Pool pool;
  private final StreamClient stream;
  private final Duration publishTimeout;

  /**
   * @param publishTimeout longest wait for the stream's ack of each write: the conversation's row
   *     stays locked meanwhile, and every other change to it waits (at most {@code lock_timeout})
   */
  public ConversationLog(Pool pool, StreamClient stream, Duration publishTimeout) {
    this.pool = pool;
    this.stream = stream;
    this.publishTimeout = publishTimeout;
  }

  /** One entry to write to the stream: its subject, an optional de-duplication id, and its body. */
  public record Write(String subject, String dedupId, JsonObject payload) {}

  /** What a change decided: its result for the caller, and the entries to write, in order. */
  public record Change<T>(T result, List<Write> writes) {
    public static <T> Change<T> of(T result, Write... writes) {
      return new Change<>(result, List.of(writes));
    }
  }

  /** The change's result and the stream sequence each of its writes got, in order. */
  public record Logged<T>(T result, List<Long> seqs) {
    public long lastSeq() {
      return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }
  }

  /** The conversation being changed: its id and type ({@code direct} or {@code group}). */
  public record Locked(String conversationId, String type, SqlConnection conn) {}

  /**
   * Runs {@code work} in a transaction holding the conversation's lock, writes the change's
   * entries to the stream, then commits. A conversation that does not exist (or was deleted) is
   * 404 {@code not_found}; membership checks are {@code work}'s job.
   */
  public <T> Future<Logged<T>> change(
      String conversationId, Function<Locked, Future<Change<T>>> work) {
    return change(conversationId, work, (locked, logged) -> Future.succeededFuture());
  }

  /**
   * Like {@link #change(String, Function)}, and runs {@code afterWrites} in the same transaction
   * once the entries are written, for state that needs their sequences (e.g. a new member's read
   * position starts at the system message that records the join).
   */
  public <T> Future<Logged<T>> change(
      String conversationId,
      Function<Locked, Future<Change<T>>> work,
      BiFunction<Locked, Logged<T>, Future<Void>> afterWrites) {
    Context ctx = Vertx.currentContext();
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(ConversationSql.LOCK_FOR_CHANGE)
                .execute(Tuple.of(conversationId))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.failedFuture(
                            ApiException.notFound("no such conversation: " + conversationId));
                      }
                      Locked locked =
                          new Locked(conversationId, rows.iterator().next().getString(0), conn);
                      return work.apply(locked)
                          .compose(
                              change ->
                                  writeAll(ctx, change.writes(), 0, new ArrayList<>())
                                      .map(seqs -> new Logged<>(change.result(), seqs)))
                          .compose(logged -> afterWrites.apply(locked, logged).map(logged));
                    }));
  }

  private Future<List<Long>> writeAll(Context ctx, List<Write> writes, int index, List<Long> seqs) {
    if (index == writes.size()) {
      return Future.succeededFuture(seqs);
    }
    Write w = writes.get(index);
    return stream
        .publish(ctx, w.subject(), w.dedupId(), w.payload())
        .timeout(publishTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof ApiException
                        ? e
                        : ApiException.unavailable(
                            "the message bus did not confirm the write in time; retry", e)))
        .compose(
            published -> {
              seqs.add(published.seq());
              return writeAll(ctx, writes, index + 1, seqs);
            });
  }
}
