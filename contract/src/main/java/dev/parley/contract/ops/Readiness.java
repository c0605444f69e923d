package dev.parley.contract.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** The reported checks' last results, when they are refreshed in the background. */
  private final Map<String, String> lastReported = new ConcurrentHashMap<>();

  private volatile boolean reportedInBackground;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private long refreshTimer = -1;
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

  /**
   * Runs the reported checks every {@code period} in the background; {@link #run} then takes their
   * last results instead of waiting for them, so a load balancer's probe is answered at once
   * whatever a slow dependency does (only the required checks run on each call).
   */
  public void refreshReportedEvery(Vertx vertx, Duration period) {
    reportedInBackground = true;
    refreshReported();
    refreshTimer = vertx.setPeriodic(period.toMillis(), t -> refreshReported());
  }

  /** Stops what {@link #refreshReportedEvery} started. */
  public void stopRefreshing(Vertx vertx) {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
      refreshTimer = -1;
    }
  }

  private void refreshReported() {
    if (!refreshing.compareAndSet(false, true)) {
      return; // the previous round is still waiting on a slow dependency
    }
    List<Future<?>> round = new ArrayList<>();
    checks.forEach(
        (name, check) -> {
          if (!check.required()) {
            round.add(outcome(check).onSuccess(result -> lastReported.put(name, result)));
          }
        });
    Future.join(round).onComplete(ar -> refreshing.set(false));
  }

  public List<String> names() {
    return List.copyOf(checks.keySet());
  }

  /** Runs every check; each maps to "ok" or the failure's message. */
  public Future<Report> run() {
    List<String> names = names();
    List<Future<String>> results =
        names.stream()
            .map(
                n -> {
                  Check check = checks.get(n);
                  return check.required() || !reportedInBackground
                      ? outcome(check)
                      : Future.succeededFuture(lastReported.getOrDefault(n, "not checked yet"));
                })
            .toList();
    return Future.join(results)
        .map(
            done -> {
              Map<String, String> out = new LinkedHashMap<>();
              boolean requiredUp = true;
              for (int i = 0; i < names.size(); i++) {
                String result = results.get(i).result();
                out.put(names.get(i), result);
                requiredUp &= !checks.get(names.get(i)).required() || "ok".equals(result);
              }
              String stopped = notServing;
              boolean ready = requiredUp && stopped == null;
              return new Report(
                  ready, stopped != null ? stopped : ready ? "ready" : "unavailable", out);
            });
  }

  private static Future<String> outcome(Check check) {
    return safely(check.probe()).map(x -> "ok").recover(e -> Future.succeededFuture(describe(e)));
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
