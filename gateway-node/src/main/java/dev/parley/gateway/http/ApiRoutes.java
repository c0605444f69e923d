package dev.parley.gateway.http;

import io.vertx.ext.web.Router;

/** A feature's REST routes. Each feature mounts its own; {@link ApiVerticle} mounts them all behind auth. */
public interface ApiRoutes {
  void mount(Router router);
}
