package dev.parley.contract.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * {@code /health}, {@code /ready} and {@code /metrics}, the same on every process. Gateways mount
 * them on their API router; the worker and presence node serve them on their own small port.
 */
public final class OpsRoutes {
  private final PrometheusMeterRegistry registry;
  private final Readiness readiness;

  public OpsRoutes(PrometheusMeterRegistry registry, Readiness readiness) {
    this.registry = registry;
    this.readiness = readiness;
  }

  /** Answers one of the three paths; returns false when the path is not one of them. */
  public boolean handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/health":
        req.response().putHeader("content-type", "application/json").end("{\"status\":\"ok\"}");
        return true;
      case "/ready":
        readiness.run().onComplete(ar -> {
          boolean ok = ar.succeeded() && ar.result().values().stream().allMatch("ok"::equals);
          JsonObject body = new JsonObject().put("status", ok ? "ready" : "unavailable");
          if (ar.succeeded()) {
            body.put("checks", new JsonObject(new java.util.LinkedHashMap<>(ar.result())));
          }
          req.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json").end(body.encode());
        });
        return true;
      case "/metrics":
        req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
        return true;
      default:
        return false;
    }
  }

  /** A standalone server for processes that have no API of their own. */
  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    return vertx.createHttpServer()
        .requestHandler(req -> {
          if (!handle(req)) {
            req.response().setStatusCode(404).end();
          }
        })
        .listen(port, host);
  }
}
