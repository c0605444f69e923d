package dev.parley.contract.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /health}, {@code /ready} and {@code /metrics}, the same on every process. Gateways mount
 * them on their API router; the worker and presence node serve them on their own small port.
 *
 * <p>{@code /ready}'s body: {@code {"status","checks":{name: "ok" | failure},"dependencies":{name:
 * "up" | "down"}}}. Each check is also the gauge {@code parley_dependency_up{dependency}} (1 or
 * 0), refreshed by every {@code /ready} and before every {@code /metrics} scrape.
 */
public final class OpsRoutes {
  private static final long SCRAPE_CHECK_TIMEOUT_SECONDS = 3;

  private final PrometheusMeterRegistry registry;
  private final Readiness readiness;

  private final Map<String, AtomicInteger> up = new ConcurrentHashMap<>();

  public OpsRoutes(PrometheusMeterRegistry registry, Readiness readiness) {
    this.registry = registry;
    this.readiness = readiness;
    for (String name : readiness.names()) {
      AtomicInteger state = up.computeIfAbsent(name, n -> new AtomicInteger());
      Gauge.builder("parley_dependency_up", state, AtomicInteger::get)
          .description("1 when the dependency answered the last readiness check, else 0")
          .tag("dependency", name)
          .register(registry);
    }
  }

  /** Runs every check and records each one's state in {@code parley_dependency_up}. */
  private Future<Readiness.Report> check() {
    return readiness
        .run()
        .onSuccess(
            report ->
                report
                    .checks()
                    .forEach(
                        (name, result) -> {
                          AtomicInteger state = up.get(name);
                          if (state != null) {
                            state.set("ok".equals(result) ? 1 : 0);
                          }
                        }));
  }

  /** Answers one of the three paths; returns false when the path is not one of them. */
  public boolean handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/health":
        req.response().putHeader("content-type", "application/json").end("{\"status\":\"ok\"}");
        return true;
      case "/ready":
        check()
            .onComplete(
                ar -> {
                  boolean ok = ar.succeeded() && ar.result().ready();
                  JsonObject body =
                      new JsonObject()
                          .put("status", ar.succeeded() ? ar.result().status() : "unavailable");
                  if (ar.succeeded()) {
                    JsonObject dependencies = new JsonObject();
                    ar.result()
                        .checks()
                        .forEach(
                            (name, result) ->
                                dependencies.put(name, "ok".equals(result) ? "up" : "down"));
                    body.put("checks", new JsonObject(new LinkedHashMap<>(ar.result().checks())))
                        .put("dependencies", dependencies);
                  }
                  req.response()
                      .setStatusCode(ok ? 200 : 503)
                      .putHeader("content-type", "application/json")
                      .end(body.encode());
                });
        return true;
      case "/metrics":
        // a failed check still records its state; the scrape happens either way, and never waits
        // on a probe longer than a scraper would
        check()
            .timeout(SCRAPE_CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .onComplete(
                ar ->
                    req.response()
                        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(registry.scrape()));
        return true;
      default:
        return false;
    }
  }

  /** A standalone server for processes that have no API of their own. */
  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    return vertx
        .createHttpServer()
        .requestHandler(
            req -> {
              if (!handle(req)) {
                req.response().setStatusCode(404).end();
              }
            })
        .listen(port, host);
  }
}
