package dev.parley.loadgen.persist;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The persistence worker's own counters, read from its {@code /metrics} (Prometheus text): batches
 * and their sizes. Two readings give what happened between them. Empty when the worker does not
 * answer: the run still measures what the stream shows.
 */
final class WorkerMetrics {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI uri;

  WorkerMetrics(String workerUrl) {
    this.uri = URI.create(workerUrl.replaceAll("/+$", "") + "/metrics");
  }

  /** Every sample without labels, by name; empty when unreachable. */
  Map<String, Double> read() {
    Map<String, Double> out = new HashMap<>();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith("#") || line.contains("{")) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        if (parts.length == 2) {
          out.put(parts[0], Double.parseDouble(parts[1]));
        }
      }
    } catch (Exception e) {
      // not reachable: no batch figures
    }
    return out;
  }

  static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
  }
}
