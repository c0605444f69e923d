package dev.parley.worker.it;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a worker's /ready and /metrics over HTTP, as an orchestrator and Prometheus would. */
final class Ops {
  /** The {@code node} label, wherever it stands among a sample's labels. */
  private static final Pattern NODE_LABEL = Pattern.compile(",?node=\"[^\"]*\"");

  private static final HttpClient http =
      HttpClient.newBuilder()
          // plain HTTP/1.1: no h2c upgrade dance with the ops server, which the scrape does not
          // need
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final int port;

  Ops(int port) {
    this.port = port;
  }

  record Ready(int status, JsonObject body) {
    String check(String name) {
      JsonObject checks = body.getJsonObject("checks");
      return checks == null ? null : checks.getString(name);
    }
  }

  Ready ready() throws Exception {
    HttpResponse<String> r = get("/ready");
    return new Ready(r.statusCode(), new JsonObject(r.body()));
  }

  String metrics() throws Exception {
    return get("/metrics").body();
  }

  /**
   * The value of one sample, e.g. {@code parley_worker_batches_total} or {@code x_total{type="a"}},
   * written without the {@code node} label every sample carries; 0 when absent.
   */
  double metric(String sample) throws Exception {
    String withoutNode =
        NODE_LABEL.matcher(metrics()).replaceAll("").replace("{,", "{").replace("{}", "");
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(withoutNode);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    // the request timeout covers only the headers; bound the whole exchange, body included
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
  }
}
