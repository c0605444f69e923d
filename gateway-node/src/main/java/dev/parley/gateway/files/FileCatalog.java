package dev.parley.gateway.files;

import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.messagerows.UnstoredSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The {@code files} table: one row per stored upload. */
public final class FileCatalog {
  static final String INSERT =
      """
      INSERT INTO files (id, uploader_id, name, size, content_type, storage_key) VALUES ($1, $2, $3, $4, $5, $6)
      """;

  /** One uploader's inserts, one at a time (on any node): two parallel uploads cannot both fit the last bytes of a quota. */
  static final String LOCK_UPLOADER =
      "SELECT pg_advisory_xact_lock(hashtextextended('parley.files.uploader:' || $1, 0))";

  /** What the uploader stores now: every row of theirs (a swept file has none and stops counting). */
  static final String STORED_BYTES =
      "SELECT coalesce(sum(size), 0)::bigint AS bytes FROM files WHERE uploader_id = $1";

  /**
   * The one question a download asks: may this user read this file? The uploader may; so may every
   * member of a live conversation where it is attached to a live message. Anyone else finds nothing.
   */
  static final String READABLE =
      """
      SELECT f.id, f.uploader_id, f.name, f.size, f.content_type, f.storage_key FROM files f
      WHERE f.id = $1 AND (f.uploader_id = $2 OR EXISTS (
        SELECT 1 FROM attachments a
        JOIN conversations c ON c.id = a.conversation_id AND c.deleted_at IS NULL
        JOIN members mb ON mb.conversation_id = a.conversation_id AND mb.user_id = $2
        JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL
        WHERE a.file_id = f.id))
      """;

  /**
   * {@link #READABLE}, counting also the messages acknowledged and not stored yet ($3,
   * {@link UnstoredSql}): a member of a live conversation where such a message attaches the file
   * may read it, as they may once the worker has stored it and its attachments.
   */
  static final String READABLE_WITH_UNSTORED =
      "WITH "
          + UnstoredSql.cte(3)
          + """
      SELECT f.id, f.uploader_id, f.name, f.size, f.content_type, f.storage_key FROM files f
      WHERE f.id = $1 AND (f.uploader_id = $2 OR EXISTS (
        SELECT 1 FROM attachments a
        JOIN conversations c ON c.id = a.conversation_id AND c.deleted_at IS NULL
        JOIN members mb ON mb.conversation_id = a.conversation_id AND mb.user_id = $2
        JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL
        WHERE a.file_id = f.id) OR EXISTS (
        SELECT 1 FROM unstored x
        JOIN conversations c ON c.id = x.conversation_id AND c.deleted_at IS NULL
        JOIN members mb ON mb.conversation_id = x.conversation_id AND mb.user_id = $2
        WHERE EXISTS (SELECT 1 FROM json_array_elements(x.attachments) a WHERE coalesce(a->>'id', a#>>'{}') = f.id)))
      """;

  private final Pool pool;
  private final long quotaBytes;

  /** @param quotaBytes bytes of files one user may have stored ({@code PARLEY_FILES_QUOTA_BYTES}) */
  public FileCatalog(Pool pool, long quotaBytes) {
    this.pool = pool;
    this.quotaBytes = quotaBytes;
  }

  /** Writes the row, unless it would take the uploader past the quota: 413 {@code too_large}, nothing written. */
  Future<Void> insert(StoredFile f) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(LOCK_UPLOADER)
                    .execute(Tuple.of(f.uploaderId()))
                    .compose(
                        locked ->
                            conn.preparedQuery(STORED_BYTES).execute(Tuple.of(f.uploaderId())))
                    .compose(
                        rows -> {
                          long stored = rows.iterator().next().getLong("bytes");
                          if (stored + f.size() > quotaBytes) {
                            return Future.failedFuture(
                                ApiException.tooLarge(
                                    "the file would take your stored files to "
                                        + (stored + f.size())
                                        + " bytes, past your quota of "
                                        + quotaBytes
                                        + " bytes"));
                          }
                          return conn.preparedQuery(INSERT)
                              .execute(
                                  Tuple.of(
                                      f.id(),
                                      f.uploaderId(),
                                      f.name(),
                                      f.size(),
                                      f.contentType(),
                                      f.storageKey()));
                        }))
        .recover(Failures::database)
        .mapEmpty();
  }

  /** The file when {@code userId} may download it, else null (missing and forbidden look the same). */
  Future<StoredFile> readable(String fileId, String userId) {
    return pool.preparedQuery(READABLE)
        .execute(Tuple.of(fileId, userId))
        .recover(Failures::database)
        .map(rows -> rows.size() == 0 ? null : fromRow(rows.iterator().next()));
  }

  /** As {@link #readable(String, String)}, with messages not stored yet that attach it ({@link UnstoredSql#json}). */
  Future<StoredFile> readable(String fileId, String userId, String unstored) {
    return pool.preparedQuery(READABLE_WITH_UNSTORED)
        .execute(Tuple.of(fileId, userId, unstored))
        .recover(Failures::database)
        .map(rows -> rows.size() == 0 ? null : fromRow(rows.iterator().next()));
  }

  private static StoredFile fromRow(Row r) {
    return new StoredFile(
        r.getString("id"),
        r.getString("uploader_id"),
        r.getString("name"),
        r.getLong("size"),
        r.getString("content_type"),
        r.getString("storage_key"));
  }
}
