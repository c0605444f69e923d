package dev.parley.gateway.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what no one can use any more, once it is older than the sweep age: files never attached,
 * files whose messages were deleted, files of deleted conversations (row and bytes), and partial
 * uploads a crash left behind. A file attached to a live message of a live conversation is never
 * touched; the age leaves time for a just-uploaded file to be attached.
 *
 * <p>Every gateway sweeps on its own timer and they may share the directory: each batch of rows is
 * claimed with {@code FOR UPDATE SKIP LOCKED} and removed by one {@code DELETE … RETURNING}, so a
 * row is deleted by exactly one node, which then deletes its bytes (a crash between the two leaves
 * bytes without a row: never served, only disk). A swept file stops counting against its
 * uploader's quota.
 */
public final class FileSweeper {
  private static final Logger log = LoggerFactory.getLogger(FileSweeper.class);

  /** Rows claimed per statement; a sweep runs statements until one claims fewer. */
  static final int BATCH = 500;

  /**
   * $1 the age in milliseconds, $2 the batch size. Attachment rows left by a deleted conversation go in
   * the same statement as their file (the foreign key is checked at its end).
   */
  static final String SWEEP =
      """
      WITH doomed AS (
        SELECT f.id FROM files f
        WHERE f.created_at < now() - $1::bigint * interval '1 millisecond'
          AND NOT EXISTS (
            SELECT 1 FROM attachments a
            JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL
            JOIN conversations c ON c.id = a.conversation_id AND c.deleted_at IS NULL
            WHERE a.file_id = f.id)
        ORDER BY f.created_at
        LIMIT $2
        FOR UPDATE OF f SKIP LOCKED),
      detached AS (DELETE FROM attachments a USING doomed d WHERE a.file_id = d.id)
      DELETE FROM files f USING doomed d WHERE f.id = d.id
      RETURNING f.id, f.storage_key, f.size""";

  private final Vertx vertx;
  private final Pool pool;
  private final FileStorage storage;
  private final Duration age;
  private final Duration interval;
  private final Counter files;
  private final Counter bytes;
  private final Counter partials;
  private long timer = -1;

  /** A sweep still running when the timer fires again is not doubled. Touched on one context only. */
  private boolean running;

  public FileSweeper(
      Vertx vertx,
      Pool pool,
      FileStorage storage,
      Duration age,
      Duration interval,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.storage = storage;
    this.age = age;
    this.interval = interval;
    this.files =
        Counter.builder("parley_files_swept_total")
            .description("files deleted by the sweep (no live message used them)")
            .register(registry);
    this.bytes =
        Counter.builder("parley_files_swept_bytes_total")
            .description("bytes of the files deleted by the sweep")
            .register(registry);
    this.partials =
        Counter.builder("parley_files_partials_swept_total")
            .description("partial uploads left by a crash, deleted by the sweep")
            .register(registry);
  }

  /** Sweeps every interval from now on, on the calling context. */
  public void start() {
    timer =
        vertx.setPeriodic(
            interval.toMillis(),
            t -> {
              if (running) {
                return;
              }
              running = true;
              sweep()
                  .onComplete(
                      ar -> {
                        running = false;
                        if (ar.failed()) {
                          log.warn(
                              "file sweep failed, next in {}: {}", interval, ar.cause().toString());
                        }
                      });
            });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One sweep: rows and their bytes, then abandoned partial uploads. */
  Future<Void> sweep() {
    return sweepRows()
        .compose(v -> storage.removeAbandoned(age))
        .map(
            removed -> {
              if (removed > 0) {
                partials.increment(removed);
                log.info("file sweep removed {} abandoned partial uploads", removed);
              }
              return null;
            });
  }

  private Future<Void> sweepRows() {
    return pool.preparedQuery(SWEEP)
        .execute(Tuple.of(age.toMillis(), BATCH))
        .compose(
            rows ->
                deleteBytes(rows)
                    .compose(
                        v ->
                            rows.rowCount() < BATCH
                                ? Future.<Void>succeededFuture()
                                : sweepRows()));
  }

  private Future<Void> deleteBytes(RowSet<Row> rows) {
    List<Future<Void>> deletions = new ArrayList<>();
    for (Row r : rows) {
      String id = r.getString("id");
      long size = r.getLong("size");
      deletions.add(
          storage
              .delete(r.getString("storage_key"))
              .onSuccess(
                  v -> {
                    files.increment();
                    bytes.increment(size);
                    log.info("file {} swept ({} bytes): no live message uses it", id, size);
                  })
              .onFailure(
                  e ->
                      log.warn(
                          "file {} swept, but its bytes could not be deleted: {}",
                          id,
                          e.toString())));
    }
    return Future.join(deletions).mapEmpty();
  }
}
