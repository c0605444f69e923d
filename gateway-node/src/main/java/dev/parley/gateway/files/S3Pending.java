package dev.parley.gateway.files;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An object being uploaded to S3. Bytes gather in memory up to one part ({@link #PART_BYTES}); a
 * file that fits is one PutObject at commit, a larger one a multipart upload whose parts go out as
 * they fill, one at a time: while a part is on its way and the next one is full, {@link
 * #writeQueueFull()} says so and the HTTP upload pauses. So an upload holds at most about two parts
 * in memory, whatever the file's size. Nothing is readable under the key before the commit (a
 * multipart upload shows only once completed); an abort drops the multipart upload.
 *
 * <p>Touched only on the uploading request's context; the SDK's blocking calls run on the storage's
 * worker pool and complete back on that context.
 */
final class S3Pending implements FileStorage.Pending, WriteStream<Buffer> {
  /** S3's smallest part but the last: 5 MiB. */
  static final int PART_BYTES = 5 * 1024 * 1024;

  private final S3Client s3;
  private final WorkerExecutor workers;
  private final String bucket;
  private final String key;
  private Buffer filling = Buffer.buffer();
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();
  private int partsSent;
  private Future<Void> inFlight = Future.succeededFuture();
  private Throwable failure;
  private Handler<Void> drain;
  private Handler<Throwable> exceptions;

  S3Pending(S3Client s3, WorkerExecutor workers, String bucket, String key) {
    this.s3 = s3;
    this.workers = workers;
    this.bucket = bucket;
    this.key = key;
  }

  @Override
  public WriteStream<Buffer> stream() {
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    filling.appendBuffer(data);
    if (filling.length() >= PART_BYTES && inFlight.isComplete()) {
      sendPart();
    }
    return Future.succeededFuture();
  }

  /** Sends the full buffer as the next part (starting the multipart upload first if needed). */
  private void sendPart() {
    byte[] part = filling.getBytes();
    filling = Buffer.buffer();
    int number = ++partsSent;
    inFlight =
        begin()
            .compose(
                id ->
                    workers.<Void>executeBlocking(
                        () -> {
                          String etag =
                              s3.uploadPart(
                                      r ->
                                          r.bucket(bucket).key(key).uploadId(id).partNumber(number),
                                      RequestBody.fromBytes(part))
                                  .eTag();
                          synchronized (parts) {
                            parts.add(
                                CompletedPart.builder().partNumber(number).eTag(etag).build());
                          }
                          return null;
                        },
                        false))
            .onFailure(this::failed)
            .onSuccess(v -> afterPart());
  }

  private void afterPart() {
    if (filling.length() >= PART_BYTES) {
      sendPart();
    } else if (drain != null) {
      Handler<Void> h = drain;
      drain = null;
      h.handle(null);
    }
  }

  private Future<String> begin() {
    if (uploadId != null) {
      return Future.succeededFuture(uploadId);
    }
    return workers
        .executeBlocking(
            () -> s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId(), false)
        .onSuccess(id -> uploadId = id);
  }

  private void failed(Throwable e) {
    if (failure == null) {
      failure = e;
      if (exceptions != null) {
        exceptions.handle(e);
      }
    }
  }

  /** Completes once no part is on its way (a finished part may start the next one). */
  private Future<Void> settled() {
    Future<Void> current = inFlight;
    return current.transform(
        ar ->
            inFlight != current ? settled() : ar.succeeded() ? Future.succeededFuture() : current);
  }

  @Override
  public Future<Void> commit() {
    return settled()
        .compose(
            v -> {
              if (failure != null) {
                return Future.failedFuture(failure);
              }
              if (uploadId == null) {
                byte[] whole = filling.getBytes();
                filling = Buffer.buffer();
                return workers.executeBlocking(
                    () -> {
                      s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(whole));
                      return null;
                    },
                    false);
              }
              if (filling.length() > 0) {
                sendPart();
              }
              return settled()
                  .compose(
                      sent ->
                          workers.executeBlocking(
                              () -> {
                                List<CompletedPart> done;
                                synchronized (parts) {
                                  // S3 wants the list in part order
                                  done =
                                      parts.stream()
                                          .sorted(Comparator.comparing(CompletedPart::partNumber))
                                          .toList();
                                }
                                s3.completeMultipartUpload(
                                    r ->
                                        r.bucket(bucket)
                                            .key(key)
                                            .uploadId(uploadId)
                                            .multipartUpload(m -> m.parts(done)));
                                return null;
                              },
                              false));
            });
  }

  @Override
  public Future<Void> abort() {
    filling = Buffer.buffer();
    Promise<Void> done = Promise.promise();
    settled()
        .onComplete(
            ar -> {
              if (uploadId == null) {
                done.complete();
                return;
              }
              String id = uploadId;
              workers
                  .<Void>executeBlocking(
                      () -> {
                        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
                        return null;
                      },
                      false)
                  .onComplete(done);
            });
    return done.future();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptions = handler;
    return this;
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture(); // the upload ends with commit() or abort()
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this; // bounded by the part size
  }

  /** A full part waits while the previous one is on its way. */
  @Override
  public boolean writeQueueFull() {
    return filling.length() >= PART_BYTES && !inFlight.isComplete();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    this.drain = handler;
    return this;
  }
}
