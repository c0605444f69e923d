package dev.parley.gateway;

import dev.parley.contract.ops.OpsRoutes;
import dev.parley.gateway.auth.BearerTokens;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.auth.DevTokenRoutes;
import dev.parley.gateway.auth.TokenVerifier;
import dev.parley.gateway.auth.UserDirectory;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.AccessLog;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.BrowserOrigins;
import dev.parley.gateway.http.Responses;
import dev.parley.gateway.http.UnreadBodies;
import dev.parley.gateway.realtime.WebSocketEndpoint;
import dev.parley.gateway.web.WebClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance (deployed once per event loop; Vert.x spreads connections across them).
 * Every route of the API in one place; each feature mounts its own.
 */
public final class ApiVerticle extends VerticleBase {
  /** JSON bodies are small; uploads stream on their own routes ({@link ApiRoutes#mountStreaming}), never through this. */
  private static final long JSON_BODY_LIMIT = 256 * 1024;

  /** Everything the routes need, built once per node and shared by every instance. */
  public record Routes(
      HttpServerOptions serverOptions,
      OpsRoutes ops,
      TokenVerifier verifier,
      UserDirectory users,
      DevTokenRoutes devTokens,
      List<ApiRoutes> features,
      WebSocketEndpoint webSocket,
      List<String> corsOrigins) {}

  private final Routes routes;
  private HttpServer server;
  private volatile Router router;

  public ApiVerticle(Routes routes) {
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // before anything that may answer, so every response carries its request id and is logged
    router.route().handler(new AccessLog());
    if (!routes.corsOrigins().isEmpty()) {
      // first, so a preflight is answered before any route, and a browser page of another origin
      // is refused (403) everywhere, the /ws handshake included, before anything else runs
      router.route().handler(BrowserOrigins.cors(routes.corsOrigins()));
    }
    router.get("/health").handler(ctx -> routes.ops().handle(ctx.request()));
    router.get("/ready").handler(ctx -> routes.ops().handle(ctx.request()));
    router.get("/metrics").handler(ctx -> routes.ops().handle(ctx.request()));
    router.get("/ws").handler(routes.webSocket()::handle);

    routes.features().forEach(feature -> feature.mountStreaming(router, this::authenticatePaused));
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(JSON_BODY_LIMIT));
    routes.devTokens().mount(router);
    router.route("/api/v1/*").handler(this::authenticate);
    routes.features().forEach(feature -> feature.mount(router));
    // after every API route, so a file of the page never shadows one
    WebClient.mount(router);

    router
        .route()
        .last()
        .handler(
            ctx ->
                Responses.error(
                    ctx,
                    ApiException.notFound(
                        "no such route: " + ctx.request().method() + " " + ctx.normalizedPath())));
    router.route().failureHandler(Responses::failure);
    this.router = router;

    return vertx
        .createHttpServer(routes.serverOptions())
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  private void authenticate(RoutingContext ctx) {
    if (Callers.known(ctx)) {
      ctx.next();
      return;
    }
    verifyThen(ctx, ctx::fail);
  }

  /** Checks the bearer token (and the user row); on success the route goes on with the caller set. */
  private void verifyThen(RoutingContext ctx, Handler<Throwable> onFailure) {
    routes
        .verifier()
        .verify(BearerTokens.fromHeader(ctx.request()))
        .compose(routes.users()::ensure)
        .onSuccess(
            user -> {
              Callers.set(ctx, user);
              ctx.next();
            })
        .onFailure(onFailure);
  }

  /** The routes mounted on this instance (empty before it started). */
  public List<Route> routes() {
    Router r = router;
    return r == null ? List.of() : r.getRoutes();
  }

  /**
   * For a route that streams its body: no byte is read while the token is checked (asynchronously),
   * so the route finds the body untouched. A refused request's body is read and dropped (bounded)
   * so the client sees the 401.
   */
  private void authenticatePaused(RoutingContext ctx) {
    ctx.request().pause();
    verifyThen(
        ctx,
        e -> {
          ctx.fail(e);
          UnreadBodies.discard(ctx.request());
        });
  }

  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /**
   * Stops accepting connections; each HTTP connection closes once its request in progress is
   * answered, and whatever is still open after {@code grace} is closed.
   */
  public Future<Void> shutdown(Duration grace) {
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
