package dev.parley.gateway.files;

import dev.parley.gateway.stream.PersistedWrites;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Requests;
import dev.parley.gateway.limits.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
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
  private final PersistedWrites persisted;
  private final FileMetrics metrics;
  private final RateLimiter limiter;
  private final long maxUploadBytes;

  public FileRoutes(FileStorage storage, FileCatalog catalog, PersistedWrites persisted, RateLimiter limiter,
      long maxUploadBytes, MeterRegistry registry) {
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
    new Upload(ctx, Requests.user(ctx), storage, catalog, metrics, limiter, maxUploadBytes).start();
  }

  private void download(RoutingContext ctx) {
    AuthenticatedUser caller = Requests.user(ctx);
    String fileId = Requests.generatedId(ctx.pathParam("fileId"), "file not found");
    // a file attached to a message sent a moment ago is readable once the worker stored the message
    persisted.readOnceStored(() -> catalog.readable(fileId, caller.userId()))
        .compose(file -> {
          if (file == null) {
            return Future.failedFuture(ApiException.notFound("file not found"));
          }
          return storage.open(file.storageKey())
              .recover(e -> {
                if (e instanceof FileStorage.MissingException) {
                  log.error("file {} has a row but no stored bytes under {}", file.id(), file.storageKey());
                  return Future.failedFuture(ApiException.notFound("file not found"));
                }
                return Future.failedFuture(ApiException.unavailable("file storage is unavailable; retry shortly", e));
              })
              .map(opened -> {
                send(ctx.response(), file, opened);
                return file;
              });
        })
        .onFailure(ctx::fail);
  }

  private void send(HttpServerResponse response, StoredFile file, FileStorage.Opened opened) {
    metrics.downloaded();
    response.putHeader("Content-Type", file.contentType())
        .putHeader("Content-Length", Long.toString(file.size()))
        .putHeader("Content-Disposition", FileNames.contentDisposition(file.name()))
        .putHeader("X-Content-Type-Options", "nosniff")
        // opened directly in a browser anyway: no script runs, nothing loads
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .putHeader("Cache-Control", "private, max-age=0, must-revalidate")
        .send(opened.stream())
        .onComplete(ar -> {
          opened.close();
          if (ar.failed()) {
            log.debug("download of {} ended early: {}", file.id(), ar.cause().toString());
          }
        });
  }
}
