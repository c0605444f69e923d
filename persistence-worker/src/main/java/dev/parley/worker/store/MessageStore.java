package dev.parley.worker.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes batches to Postgres, idempotently, so a redelivered batch (or one committed twice by two
 * workers) leaves the same rows as one delivery.
 *
 * <p>A batch is split by conversation into up to {@code lanes} transactions written at once, on
 * connections of their own: Postgres works on them in parallel, and since no two lanes share a
 * conversation they never wait on each other's locks. The batch succeeds when every lane has
 * committed; should one fail, the caller writes the whole batch again, and the lanes that had
 * committed store nothing twice. Nothing is acked before all of it is committed.
 */
public final class MessageStore implements BatchStore {
  private final Pool pool;
  private final Duration timeout;
  private final int lanes;

  /**
   * @param timeout bound on one batch transaction: a hung connection must turn into a retry, not a
   *     stall (a batch that did commit before timing out is stored again as a no-op)
   */
  public MessageStore(Pool pool, Duration timeout) {
    this(pool, timeout, 1);
  }

  /** @param lanes most transactions one batch is split into (at least 1) */
  public MessageStore(Pool pool, Duration timeout, int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1");
    }
    this.pool = pool;
    this.timeout = timeout;
    this.lanes = lanes;
  }

  /** Stores the batch and commits; fails with the Postgres error otherwise (the batch is retried whole). */
  @Override
  public Future<StoreResult> write(StoreBatch batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(StoreResult.NOTHING);
    }
    List<List<MessageRow>> split = byConversation(batch.messages(), lanes);
    List<Future<StoreResult>> writes = new ArrayList<>(split.size() + 1);
    for (List<MessageRow> rows : split) {
      writes.add(transaction(rows, List.of()));
    }
    if (!batch.deadLetters().isEmpty()) {
      writes.add(transaction(List.of(), batch.deadLetters()));
    }
    if (writes.size() == 1) {
      return writes.get(0);
    }
    return Future.join(writes)
        .map(
            all -> {
              StoreResult total = StoreResult.NOTHING;
              for (Future<StoreResult> w : writes) {
                total = total.plus(w.result());
              }
              return total;
            })
        // the first lane's failure, not the composite's: it is what retries and poison checks read
        .recover(
            e ->
                Future.failedFuture(
                    writes.stream()
                        .filter(Future::failed)
                        .map(Future::cause)
                        .findFirst()
                        .orElse(e)));
  }

  /**
   * The rows in at most {@code lanes} groups, every conversation in one group only, in batch order
   * within each. Empty groups are left out.
   */
  static List<List<MessageRow>> byConversation(List<MessageRow> rows, int lanes) {
    if (lanes == 1 || rows.size() < 2) {
      return rows.isEmpty() ? List.of() : List.of(rows);
    }
    List<List<MessageRow>> groups = new ArrayList<>(lanes);
    for (int i = 0; i < lanes; i++) {
      groups.add(new ArrayList<>());
    }
    for (MessageRow r : rows) {
      groups.get(Math.floorMod(r.conversationId().hashCode(), lanes)).add(r);
    }
    groups.removeIf(List::isEmpty);
    return groups;
  }

  private Future<StoreResult> transaction(List<MessageRow> rows, List<DeadLetter> deadLetters) {
    return pool.withTransaction(
            conn ->
                writeMessages(conn, rows)
                    .compose(
                        stored ->
                            writeDeadLetters(conn, deadLetters)
                                .map(dead -> new StoreResult(stored, rows.size() - stored, dead))))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code SELECT 1}: can this worker reach Postgres right now? */
  public Future<Void> ping(Duration within) {
    return pool.query(BatchSql.PING)
        .execute()
        .<Void>mapEmpty()
        .timeout(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Future<Integer> writeMessages(SqlConnection conn, List<MessageRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Tuple attachments = BatchParams.attachments(rows);
    return run(conn, BatchSql.LOCK_CONVERSATIONS, BatchParams.conversationIds(rows))
        .compose(
            locked ->
                conn.preparedQuery(BatchSql.STORE_MESSAGES).execute(BatchParams.messages(rows)))
        .compose(
            inserted ->
                (attachments == null
                        ? Future.succeededFuture(0)
                        : run(conn, BatchSql.INSERT_ATTACHMENTS, attachments))
                    .compose(x -> repairPrevSeq(conn, inserted))
                    .map(x -> inserted.rowCount()));
  }

  /** Only rows this transaction inserted can change a predecessor: none, nothing to repair. */
  private static Future<Integer> repairPrevSeq(SqlConnection conn, RowSet<Row> inserted) {
    if (inserted.rowCount() == 0) {
      return Future.succeededFuture(0);
    }
    List<String> conversations = new ArrayList<>(inserted.rowCount());
    List<Long> seqs = new ArrayList<>(inserted.rowCount());
    for (Row r : inserted) {
      conversations.add(r.getString(0));
      seqs.add(r.getLong(1));
    }
    return run(conn, BatchSql.REPAIR_PREV_SEQ, BatchParams.keys(conversations, seqs));
  }

  private static Future<Integer> writeDeadLetters(SqlConnection conn, List<DeadLetter> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return run(conn, BatchSql.INSERT_DEAD_LETTERS, BatchParams.deadLetters(entries));
  }

  /** Runs one statement; the number of rows it inserted, updated or returned. */
  private static Future<Integer> run(SqlConnection conn, String sql, Tuple params) {
    return conn.preparedQuery(sql).execute(params).map(rows -> rows.rowCount());
  }
}
