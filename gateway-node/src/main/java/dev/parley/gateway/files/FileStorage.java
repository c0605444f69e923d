package dev.parley.gateway.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;

/**
 * Where file contents live, by key. The rows in {@code files} say what a key is and who may read
 * it; storage only holds bytes. {@link LocalFileStorage} keeps them in a directory, {@link
 * S3FileStorage} in an S3 bucket.
 */
public interface FileStorage {

  /** Checks the storage is usable (and opens what it needs), so a bad setting fails the node's start. */
  Future<Void> prepare();

  /** Releases what {@link #prepare()} opened. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Starts writing a new object; nothing is readable under {@code key} until {@link Pending#commit()}. */
  Future<Pending> create(String key);

  /** The object's bytes, for one read; fails with {@link MissingException} when there is none. */
  Future<Opened> open(String key);

  /** Removes an object (a file whose row could not be written, or one swept); absent is fine. */
  Future<Void> delete(String key);

  /**
   * Removes objects begun and never committed nor aborted (the writer crashed) whose last write is
   * older than {@code age}. Safe while other nodes write: an upload in progress keeps writing.
   *
   * @return how many were removed
   */
  Future<Integer> removeAbandoned(Duration age);

  /** An object being written. Exactly one of {@link #commit()} or {@link #abort()} ends it. */
  interface Pending {
    WriteStream<Buffer> stream();

    /** Flushes and makes the object readable under its key. */
    Future<Void> commit();

    /** Drops what was written; leaves nothing behind. */
    Future<Void> abort();
  }

  /** An object open for reading. The reader closes it once done, whether the read ended or failed. */
  interface Opened {
    ReadStream<Buffer> stream();

    Future<Void> close();
  }

  /** {@link #open} of a key that holds nothing. */
  final class MissingException extends RuntimeException {
    public MissingException(String key, Throwable cause) {
      super("no stored object under " + key, cause, false, false);
    }
  }
}
