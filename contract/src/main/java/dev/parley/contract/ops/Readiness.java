package dev.parley.contract.ops;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named dependency checks. A process is ready when every <em>required</em> check succeeds and it
 * has not stopped serving (a gateway draining); a <em>reported</em> check only says how a
 * dependency is, in {@code /ready}'s body and in {@code parley_dependency_up}, because the process
 * takes traffic without it (a gateway acks sends while Postgres is down).
 */
public final class Readiness {
  private record Check(Supplier<Future<?>> probe, boolean required) {}

  /**
   * One run of every check.
   *
   * @param status {@code ready}, {@code unavailable} (a required check failed) or why the process
   *     stopped serving (e.g. {@code draining})
   * @param checks each check's name, {@code "ok"} or the failure's message
   */
  public record Report(boolean ready, String status, Map<String, String> checks) {
    public boolean up(String name) {
      return "ok".equals(checks.get(name));
    }
  }

  private final Map<String, Check> checks = new LinkedHashMap<>();
  private volatile String notServing;

  /** A dependency the process cannot take traffic without. */
  public Readiness check(String name, Supplier<Future<?>> probe) {
    checks.put(name, new Check(probe, true));
    return this;
  }

  /** A dependency reported in the body and metrics that readiness does not wait for. */
  public Readiness report(String name, Supplier<Future<?>> probe) {
    checks.put(name, new Check(probe, false));
    return this;
  }

  /** From now on not ready, whatever the checks say, with {@code status} as the reason (e.g. draining). */
  public void stopServing(String status) {
    notServing = status;
  }

  public List<String> names() {
    return List.copyOf(checks.keySet());
  }

  /** Runs every check; each maps to "ok" or the failure's message. */
  public Future<Report> run() {
    List<String> names = names();
    List<Future<String>> results = names.stream()
        .map(n -> safely(checks.get(n).probe()).map(x -> "ok").recover(e -> Future.succeededFuture(describe(e))))
        .toList();
    return Future.join(results).map(done -> {
      Map<String, String> out = new LinkedHashMap<>();
      boolean requiredUp = true;
      for (int i = 0; i < names.size(); i++) {
        String result = results.get(i).result();
        out.put(names.get(i), result);
        requiredUp &= !checks.get(names.get(i)).required() || "ok".equals(result);
      }
      String stopped = notServing;
      boolean ready = requiredUp && stopped == null;
      return new Report(ready, stopped != null ? stopped : ready ? "ready" : "unavailable", out);
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
