package dev.parley.loadgen.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/** Counts by key, and the top N of them as JSON rows with their share of a total. */
final class Tally {
  private final Map<String, Long> counts = new HashMap<>();

  void add(String key, long amount) {
    counts.merge(key, amount, Long::sum);
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The {@code n} largest as {@code [{<keyName>, <amountName>, percent}]}, percent of {@code of};
   * ties in key order, so a summary reads the same twice.
   */
  JsonArray top(int n, String keyName, String amountName, long of) {
    JsonArray rows = new JsonArray();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .forEach(
            e ->
                rows.add(
                    new JsonObject()
                        .put(keyName, e.getKey())
                        .put(amountName, e.getValue())
                        .put("percent", of == 0 ? 0.0 : round(100.0 * e.getValue() / of, 1))));
    return rows;
  }

  static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}
