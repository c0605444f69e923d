package dev.parley.presence;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;

/** GETs on a presence node's ops port. */
final class OpsClient {
  record Reply(int status, String body) {}

  private final HttpClientAgent http;

  OpsClient(Vertx vertx) {
    this.http = vertx.createHttpClient();
  }

  Future<Reply> get(int port, String path) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(), body.toString())));
  }

  /** The value of one Prometheus sample line (name with its labels as printed), 0 when absent. */
  static double sample(String scrape, String series) {
    return scrape.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }
}
