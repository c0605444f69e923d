package dev.parley.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** A feature's REST routes. Each feature mounts its own; {@code ApiVerticle} mounts them all behind auth. */
public interface ApiRoutes {
  void mount(Router router);

  /**
   * Routes that read their request body as a stream (uploads), mounted before the JSON body handler
   * could buffer it. Put {@code authenticate} first on each: it checks the token with the request
   * paused and passes on with the caller set ({@code Callers.user}); the route sets its body
   * handlers, then resumes the request.
   */
  default void mountStreaming(Router router, Handler<RoutingContext> authenticate) {}
}
