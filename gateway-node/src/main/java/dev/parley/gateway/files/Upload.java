package dev.parley.gateway.files;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.Responses;
import dev.parley.gateway.http.UnreadBodies;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.text.TextRules;
import dev.parley.gateway.text.TextRules.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code POST /api/v1/files}: the multipart body streams from the socket to storage, counted
 * as it goes, so memory holds a chunk at a time and the limit holds whatever the client declared.
 *
 * <p>The request arrives authenticated and paused (no byte read yet). The first part named
 * {@code file} is stored; other parts are read and dropped. Past the limit the partial object is
 * removed, then 413 answers; nothing is stored and no row written. Once the file has arrived its
 * bytes are taken from the user's hourly upload allowance (past it: 429 with Retry-After) and the
 * row must fit the user's quota of stored bytes (past it: 413); either refusal removes the object.
 * The row is written only once the object is complete, so a row always has its bytes. A client
 * that goes away mid-body leaves nothing either. Runs on the request's event loop throughout: no
 * locks.
 */
final class Upload {
  private static final Logger log = LoggerFactory.getLogger(Upload.class);

  /** Multipart framing and small form fields around the file, beyond the file's own limit. */
  static final long MULTIPART_ALLOWANCE = 64 * 1024;

  static final String FIELD = "file";

  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final AuthenticatedUser user;
  private final FileStorage storage;
  private final FileCatalog catalog;
  private final FileMetrics metrics;
  private final RateLimiter limiter;
  private final long limit;

  /** The stored file, once a {@code file} part has begun; completes after its row is written. */
  private Promise<StoredFile> stored;

  /** The object being written, until committed or dropped. */
  private FileStorage.Pending pending;

  private long size;

  /** Answered (or the client is gone): nothing more is written, whatever still arrives. */
  private boolean finished;

  Upload(
      RoutingContext ctx,
      AuthenticatedUser user,
      FileStorage storage,
      FileCatalog catalog,
      FileMetrics metrics,
      RateLimiter limiter,
      long limit) {
    this.ctx = ctx;
    this.request = ctx.request();
    this.user = user;
    this.storage = storage;
    this.catalog = catalog;
    this.metrics = metrics;
    this.limiter = limiter;
    this.limit = limit;
  }

  void start() {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      refuse(
          ApiException.invalid(
              "upload a multipart/form-data body with the file in a field named \""
                  + FIELD
                  + "\""));
      return;
    }
    Long declared = contentLength();
    if (declared != null && declared > limit + MULTIPART_ALLOWANCE) {
      refuse(tooLarge());
      return;
    }
    request.setExpectMultipart(true);
    request.uploadHandler(this::part);
    request.handler(
        chunk -> {
          // a body far past the limit without a file part to count it (many fields, say) is refused
          // too
          if (!finished && request.bytesRead() > limit + MULTIPART_ALLOWANCE) {
            dropFile().onComplete(v -> refuse(tooLarge()));
          }
        });
    request.exceptionHandler(this::broken);
    request.endHandler(v -> complete());
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue(); // the client waits for this before sending the body
    }
    request.resume();
  }

  private void part(HttpServerFileUpload part) {
    if (finished || stored != null || !FIELD.equals(part.name())) {
      drop(part);
      return;
    }
    String nameProblem = TextRules.problem("the file name", part.filename(), Kind.SINGLE_LINE);
    if (nameProblem != null) {
      drop(part);
      refuse(ApiException.invalid(nameProblem));
      return;
    }
    stored = Promise.promise();
    part.pause();
    String id = Ids.newId();
    storage
        .create(id)
        .onComplete(
            created -> {
              if (created.failed()) {
                drop(part);
                stored.tryFail(
                    ApiException.unavailable(
                        "file storage is unavailable; retry shortly", created.cause()));
                return;
              }
              pending = created.result();
              if (finished) {
                drop(part);
                dropFile();
                return;
              }
              receive(part, id);
            });
  }

  private void receive(HttpServerFileUpload part, String id) {
    pending.stream()
        .exceptionHandler(
            e -> {
              // the disk refused a write (full, gone): stop reading into it
              drop(part);
              dropFile()
                  .onComplete(
                      v ->
                          stored.tryFail(
                              ApiException.unavailable("file storage failed; retry shortly", e)));
            });
    part.handler(chunk -> write(part, chunk));
    part.exceptionHandler(e -> dropFile().onComplete(v -> stored.tryFail(e)));
    part.endHandler(
        v -> {
          if (finished || pending == null) {
            return;
          }
          StoredFile file =
              new StoredFile(
                  id,
                  user.userId(),
                  FileNames.sanitize(part.filename()),
                  size,
                  FileNames.contentType(part.contentType()),
                  id);
          FileStorage.Pending committing = pending;
          pending = null;
          // a refusal or a failed commit leaves the partial file to abort; a failed insert, the
          // stored file to delete
          limiter
              .acquire(LimitedAction.UPLOAD_BYTES, user.userId(), size)
              .compose(allowed -> committing.commit())
              .recover(e -> committing.abort().transform(ignored -> Future.failedFuture(e)))
              .compose(
                  c ->
                      catalog
                          .insert(file)
                          .recover(
                              e -> storage.delete(id).transform(ignored -> Future.failedFuture(e))))
              .onSuccess(c -> stored.tryComplete(file))
              .onFailure(stored::tryFail);
        });
    part.resume();
  }

  private void write(HttpServerFileUpload part, Buffer chunk) {
    if (finished || pending == null) {
      return;
    }
    size += chunk.length();
    if (size > limit) {
      drop(part);
      // answered once the partial object is gone, so nothing is left behind when the client hears
      dropFile().onComplete(v -> refuse(tooLarge()));
      return;
    }
    pending.stream().write(chunk);
    if (pending.stream().writeQueueFull()) {
      part.pause();
      pending.stream().drainHandler(v -> part.resume());
    }
  }

  /** The request body has been read to its end: answer with the stored file, or say what was missing. */
  private void complete() {
    if (finished) {
      return;
    }
    if (stored == null) {
      refuse(
          ApiException.invalid(
              "the multipart body has no file in a field named \"" + FIELD + "\""));
      return;
    }
    stored
        .future()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                refuse(ar.cause());
                return;
              }
              if (finished) {
                return;
              }
              finished = true;
              StoredFile f = ar.result();
              metrics.stored(f.size());
              log.info(
                  "upload {} by {} stored: {} bytes, {}",
                  f.id(),
                  f.uploaderId(),
                  f.size(),
                  f.contentType());
              Responses.json(ctx, 201, f.toJson());
            });
  }

  /** The client went away mid-body: nothing to answer, and what was written goes. */
  private void broken(Throwable e) {
    if (finished) {
      return;
    }
    finished = true;
    metrics.rejected("aborted");
    log.info(
        "upload by {} abandoned after {} bytes: {}",
        user.userId(),
        request.bytesRead(),
        e.toString());
    dropFile();
  }

  /** Removes the object being written, if any; completes when it is gone. */
  private Future<Void> dropFile() {
    FileStorage.Pending dropping = pending;
    pending = null;
    return dropping == null
        ? Future.succeededFuture()
        : dropping
            .abort()
            .onFailure(
                e ->
                    log.warn(
                        "upload by {}: could not remove a partial file: {}",
                        user.userId(),
                        e.toString()));
  }

  /** The one way an upload ends without a file: counted, logged once, answered, the rest of the body dropped. */
  private void refuse(Throwable e) {
    if (finished) {
      return;
    }
    finished = true;
    if (e instanceof ApiException api && api.code() != ErrorCode.UNAVAILABLE) {
      String reason =
          switch (api.code()) {
            case TOO_LARGE -> "too_large";
            case RATE_LIMITED -> "rate_limited";
            default -> "invalid";
          };
      metrics.rejected(reason);
      log.info("upload by {} refused ({}): {}", user.userId(), reason, e.getMessage());
    } else {
      metrics.rejected("failed"); // Responses.error logs it, with its cause
    }
    Responses.error(ctx, e);
    UnreadBodies.discard(request);
  }

  private static void drop(HttpServerFileUpload part) {
    part.handler(chunk -> {});
    part.exceptionHandler(e -> {});
    part.endHandler(v -> {});
    part.resume();
  }

  private ApiException tooLarge() {
    return ApiException.tooLarge("the file is larger than the upload limit of " + limit + " bytes");
  }

  private Long contentLength() {
    String raw = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return raw == null ? null : Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
