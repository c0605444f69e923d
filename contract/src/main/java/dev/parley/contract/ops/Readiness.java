package dev.parley.contract.ops;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Named dependency checks; ready when every one succeeds. */
public final class Readiness {
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();

  public Readiness check(String name, Supplier<Future<?>> probe) {
    checks.put(name, probe);
    return this;
  }

  /** Runs every check; each maps to "ok" or the failure's message. */
  public Future<Map<String, String>> run() {
    List<String> names = List.copyOf(checks.keySet());
    List<Future<String>> results = names.stream()
        .map(n -> safely(checks.get(n)).map(x -> "ok").recover(e -> Future.succeededFuture(describe(e))))
        .toList();
    return Future.join(results).map(done -> {
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), results.get(i).result());
      }
      return out;
    });
  }

  private static Future<?> safely(Supplier<Future<?>> probe) {
    try {
      return probe.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
