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
 * Writes batches to Postgres: one transaction per batch, idempotent, so a redelivered batch (or
 * one committed twice by two workers) leaves the same rows as one delivery.
 */
public final class MessageStore implements BatchStore {
  private final Pool pool;
  private final Duration timeout;

  /**
   * @param timeout bound on one batch transaction: a hung connection must turn into a retry, not a
   *     stall (a batch that did commit before timing out is stored again as a no-op)
   */
  public MessageStore(Pool pool, Duration timeout) {
    this.pool = pool;
    this.timeout = timeout;
  }

  /** Stores the batch and commits; fails with the Postgres error (nothing committed) otherwise. */
  @Override
  public Future<StoreResult> write(StoreBatch batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(StoreResult.NOTHING);
    }
    return pool.withTransaction(
            conn ->
                writeMessages(conn, batch.messages())
                    .compose(
                        stored ->
                            writeDeadLetters(conn, batch.deadLetters())
                                .map(
                                    dead ->
                                        new StoreResult(
                                            stored, batch.messages().size() - stored, dead))))
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
