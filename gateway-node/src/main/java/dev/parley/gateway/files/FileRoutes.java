package dev.parley.gateway.files;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Requests;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.messagerows.UnstoredSql;
import dev.parley.gateway.stream.PersistedWrites;
import dev.parley.gateway.stream.UnstoredMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/files} (multipart field {@code file}) and {@code GET /api/v1/files/:id}.
 * The upload streams (see {@link Upload}); the download streams too, as an attachment that no
 * browser will render in place.
 */
public final class FileRoutes implements ApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(FileRoutes.class);

  private final FileStorage storage;
  private final FileCatalog catalog;
  private final UnstoredMessages unstored;
  private final PersistedWrites persisted;
  private final FileMetrics metrics;
  private final RateLimiter limiter;
  private final long maxUploadBytes;

  public FileRoutes(
      FileStorage storage,
      FileCatalog catalog,
      UnstoredMessages unstored,
      PersistedWrites persisted,
      RateLimiter limiter,
      long maxUploadBytes,
      MeterRegistry registry) {
    this.unstored = unstored;
    this.persisted = persisted;
    this.storage = storage;
    this.catalog = catalog;
    this.limiter = limiter;
    this.maxUploadBytes = maxUploadBytes;
    this.metrics = new FileMetrics(registry);
  }

  @Override
  public void mountStreaming(Router router, Handler<RoutingContext> authenticate) {
    router.post("/api/v1/files").handler(authenticate).handler(this::upload);
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/files/:fileId").handler(this::download);
  }

  private void upload(RoutingContext ctx) {
    new Upload(ctx, Callers.user(ctx), storage, catalog, metrics, limiter, maxUploadBytes).start();
  }

  private void download(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String fileId = Requests.generatedId(ctx.pathParam("fileId"), "file not found");
    catalog
        .readable(fileId, caller.userId())
        .compose(
            file ->
                file != null
                    ? Future.succeededFuture(file)
                    : readableBeforeStored(fileId, caller.userId()))
        .compose(
            file -> {
              if (file == null) {
                return Future.failedFuture(ApiException.notFound("file not found"));
              }
              return storage
                  .open(file.storageKey())
                  .recover(
                      e -> {
                        if (e instanceof FileStorage.MissingException) {
                          log.error(
                              "file {} has a row but no stored bytes under {}",
                              file.id(),
                              file.storageKey());
                          return Future.failedFuture(ApiException.notFound("file not found"));
                        }
                        return Future.failedFuture(
                            ApiException.unavailable(
                                "file storage is unavailable; retry shortly", e));
                      })
                  .map(
                      opened -> {
                        send(ctx.response(), file, opened);
                        return file;
                      });
            })
        .onFailure(ctx::fail);
  }

  /**
   * A file attached to a message acknowledged a moment ago, which the worker may not have stored
   * yet: the worker's window is read newest first for messages attaching it, and the access check
   * runs again with them (or, when the window is empty, again on Postgres alone, which may have
   * stored them meanwhile). Only a window wider than a read looks at, with no such message among its
   * newest entries, makes the download wait for the worker (bounded; then 503).
   */
  private Future<StoredFile> readableBeforeStored(String fileId, String userId) {
    Context ctx = Vertx.currentContext();
    return unstored
        .window(ctx)
        .compose(window -> unstored.matching(ctx, window, m -> attaches(m, fileId), false))
        .compose(
            found -> {
              if (!found.messages().isEmpty()) {
                return catalog.readable(fileId, userId, UnstoredSql.json(found.messages()));
              }
              return found.complete()
                  ? catalog.readable(fileId, userId)
                  : persisted.readOnceStored(() -> catalog.readable(fileId, userId));
            });
  }

  private static boolean attaches(ChatMessage m, String fileId) {
    for (Object a : m.attachments()) {
      if (fileId.equals(a instanceof JsonObject o ? o.getValue("id") : a)) {
        return true;
      }
    }
    return false;
  }

  private void send(HttpServerResponse response, StoredFile file, FileStorage.Opened opened) {
    metrics.downloaded();
    response
        .putHeader("Content-Type", file.contentType())
        .putHeader("Content-Length", Long.toString(file.size()))
        .putHeader("Content-Disposition", FileNames.contentDisposition(file.name()))
        .putHeader("X-Content-Type-Options", "nosniff")
        // opened directly in a browser anyway: no script runs, nothing loads
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .putHeader("Cache-Control", "private, max-age=0, must-revalidate")
        .send(opened.stream())
        .onComplete(
            ar -> {
              opened.close();
              if (ar.failed()) {
                log.debug("download of {} ended early: {}", file.id(), ar.cause().toString());
              }
            });
  }
}
