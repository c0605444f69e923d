package dev.parley.gateway.files;

import dev.parley.contract.wire.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Files in a local (or mounted, shared) directory, through Vert.x's asynchronous file system so no
 * event loop waits on a disk. Layout: {@code <dir>/<first two chars of key>/<key>}, so no single
 * directory grows to millions of entries. An object is written to {@code <key>.part} and renamed
 * on commit: a reader never sees half a file, and a crash leaves only a {@code .part} to sweep.
 */
public final class LocalFileStorage implements FileStorage {
  private static final String PARTIAL = ".part";

  private final Vertx vertx;
  private final FileSystem fs;
  private final Path root;

  public LocalFileStorage(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.fs = vertx.fileSystem();
    this.root = root;
  }

  /** Creates the directory if needed and checks it is usable, so a bad setting fails the node's start. */
  @Override
  public Future<Void> prepare() {
    String dir = root.toString();
    return fs.mkdirs(dir)
        .compose(v -> fs.props(dir))
        .compose(
            props ->
                props.isDirectory()
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(new IllegalStateException(dir + " is not a directory")))
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot use "
                            + dir
                            + " for uploaded files (PARLEY_FILES_DIR): "
                            + e.getMessage(),
                        e)));
  }

  @Override
  public Future<Pending> create(String key) {
    Path target = pathOf(key);
    String partial = target + PARTIAL;
    return fs.mkdirs(target.getParent().toString())
        .compose(v -> fs.open(partial, new OpenOptions().setWrite(true).setCreateNew(true)))
        .map(file -> new LocalPending(file, partial, target.toString()));
  }

  @Override
  public Future<Opened> open(String key) {
    return fs.open(
            pathOf(key).toString(),
            new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .<Opened>map(
            file ->
                new Opened() {
                  @Override
                  public ReadStream<Buffer> stream() {
                    return file;
                  }

                  @Override
                  public Future<Void> close() {
                    return file.close();
                  }
                })
        .recover(e -> Future.failedFuture(isMissing(e) ? new MissingException(key, e) : e));
  }

  @Override
  public Future<Void> delete(String key) {
    return deleteIfPresent(pathOf(key).toString());
  }

  @Override
  public Future<Integer> removeAbandoned(Duration age) {
    // a walk of every bucket directory: on a worker thread, never an event loop
    return vertx.executeBlocking(
        () -> {
          FileTime cutoff = FileTime.from(Instant.now().minus(age));
          int removed = 0;
          try (DirectoryStream<Path> buckets = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path bucket : buckets) {
              try (DirectoryStream<Path> partials =
                  Files.newDirectoryStream(bucket, "*" + PARTIAL)) {
                for (Path partial : partials) {
                  if (olderThan(partial, cutoff) && Files.deleteIfExists(partial)) {
                    removed++;
                  }
                }
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return removed;
        },
        false);
  }

  /** False for a file gone meanwhile (another node swept it, or its upload committed). */
  private static boolean olderThan(Path file, FileTime cutoff) throws IOException {
    try {
      return Files.getLastModifiedTime(file).compareTo(cutoff) < 0;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private Future<Void> deleteIfPresent(String path) {
    return fs.delete(path)
        .recover(e -> isMissing(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private Path pathOf(String key) {
    // keys are ids we generate; anything else could name a path outside the directory
    if (!Ids.isGeneratedId(key)) {
      throw new IllegalArgumentException("not a storage key: " + key);
    }
    return root.resolve(key.substring(0, 2)).resolve(key);
  }

  private static boolean isMissing(Throwable e) {
    // Vert.x wraps the JDK's exception in its FileSystemException
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }

  private final class LocalPending implements Pending {
    private final AsyncFile file;
    private final String partial;
    private final String target;

    LocalPending(AsyncFile file, String partial, String target) {
      this.file = file;
      this.partial = partial;
      this.target = target;
    }

    @Override
    public WriteStream<Buffer> stream() {
      return file;
    }

    @Override
    public Future<Void> commit() {
      // end() waits for the writes still queued, then closes
      return file.end().compose(v -> fs.move(partial, target));
    }

    @Override
    public Future<Void> abort() {
      return file.close().transform(ignored -> deleteIfPresent(partial));
    }
  }
}
