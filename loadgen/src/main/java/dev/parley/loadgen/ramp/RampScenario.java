package dev.parley.loadgen.ramp;

import dev.parley.loadgen.LoadgenSelf;
import dev.parley.loadgen.Progress;
import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.Scenario;
import dev.parley.loadgen.ScenarioResult;
import dev.parley.loadgen.fanout.FanoutRunner;
import dev.parley.loadgen.fanout.FanoutSystem;
import dev.parley.loadgen.fanout.Fanouts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * {@code ramp}: the fanout in steps over the same open connections, each step ×1.5 the rate of the
 * one before, until a step is not clean (delivery p99 over the limit, anything lost, a failed or
 * unanswered send); then a bisection or two between the last clean rate and the first unclean
 * one. Reports the highest clean rate in deliveries a second, for Parley and for the floor.
 */
public final class RampScenario implements Scenario {
  /** One system's climb. */
  private record Climb(
      double bestRate, long bestDeliveriesPerSecond, boolean capped, JsonArray steps) {}

  @Override
  public String name() {
    return "ramp";
  }

  @Override
  public String usage() {
    return "ramp        highest clean delivery rate, Parley and floor: connections=1000 groups=50"
        + " members=20 start=200 factor=1.5 step=10 warmup=5 max_steps=0 (0: until unclean)"
        + " refine=2 p99_limit_ms=100 floor=true";
  }

  @Override
  public ScenarioResult run(RunSettings s) throws Exception {
    int groups = s.integer("groups", 50);
    int members = s.integer("members", 20);
    int connections = s.integer("connections", groups * members);
    double start = s.decimal("start", 200);
    double factor = s.decimal("factor", 1.5);
    Duration step = s.duration("step", Duration.ofSeconds(10));
    Duration warmup = s.duration("warmup", Duration.ofSeconds(5));
    int maxSteps = s.integer("max_steps", 0);
    int refine = s.integer("refine", 2);
    double p99Limit = s.decimal("p99_limit_ms", 100);
    boolean withFloor = Boolean.parseBoolean(s.text("floor", "true"));
    ScenarioResult r = new ScenarioResult();
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
    LoadgenSelf self = new LoadgenSelf(vertx);
    try {
      Climb parley;
      try (FanoutSystem system = Fanouts.parley(vertx, s, true, List.of())) {
        parley =
            climb(
                system,
                connections,
                groups,
                members,
                start,
                factor,
                step,
                warmup,
                maxSteps,
                refine,
                p99Limit,
                self);
        self.report(r, "");
      }
      report(r, "", parley, members);
      r.target(
          "highest clean rate ≥ 200,000 deliveries/s",
          "max_clean_deliveries_per_s",
          parley.bestDeliveriesPerSecond(),
          false,
          200_000);
      if (withFloor) {
        Climb floor;
        try (FanoutSystem system = Fanouts.floor(vertx, s)) {
          floor =
              climb(
                  system,
                  connections,
                  groups,
                  members,
                  start,
                  factor,
                  step,
                  warmup,
                  maxSteps,
                  refine,
                  p99Limit,
                  self);
          self.report(r, "floor_");
        }
        report(r, "floor_", floor, members);
        if (floor.bestDeliveriesPerSecond() > 0) {
          r.figure(
              "max_clean_vs_floor",
              Math.round(100.0 * parley.bestDeliveriesPerSecond() / floor.bestDeliveriesPerSecond())
                  / 100.0);
        }
      }
      r.note(
          "clean: delivery p99 ≤ "
              + p99Limit
              + " ms, nothing lost, every send acknowledged; a step lasts "
              + step.toSeconds()
              + " s and is drained (up to 5 s) before the next; connections stay open throughout");
      Fanouts.limitsNote(r, s);
    } finally {
      self.close();
      vertx.close();
    }
    return r;
  }

  private static void report(ScenarioResult r, String prefix, Climb c, int members) {
    r.figure(prefix + "max_clean_rate_msg_per_s", Math.round(c.bestRate()));
    r.figure(prefix + "max_clean_deliveries_per_s", c.bestDeliveriesPerSecond());
    r.detail(prefix + "steps", c.steps());
    if (c.capped()) {
      r.note(
          prefix
              + "ramp stopped at its step cap while still clean: the highest clean rate is higher"
              + " than reported (make bench-full ramps until unclean)");
    }
  }

  private static Climb climb(
      FanoutSystem system,
      int connections,
      int groups,
      int members,
      double start,
      double factor,
      Duration step,
      Duration warmup,
      int maxSteps,
      int refine,
      double p99Limit,
      LoadgenSelf self)
      throws Exception {
    FanoutRunner runner = new FanoutRunner(system, groups, members, self);
    Progress.say("ramp: " + system.name() + ", opening " + connections + " connections");
    system.open(connections, groups, members, runner);
    runner.run(start, warmup);
    self.mark();
    JsonArray steps = new JsonArray();
    double rate = start;
    double best = 0;
    long bestPerSecond = 0;
    Double unclean = null;
    for (int i = 0; maxSteps == 0 || i < maxSteps; i++) {
      FanoutRunner.Measured m = runner.run(rate, step);
      boolean clean = clean(m, p99Limit);
      steps.add(row(rate, m, clean));
      Progress.say(
          "ramp: "
              + system.name()
              + " "
              + Math.round(rate)
              + " msg/s: "
              + (clean ? "clean" : "not clean")
              + ", p99 "
              + m.figures().getDouble("delivery_p99_ms")
              + " ms");
      if (!clean) {
        unclean = rate;
        break;
      }
      best = rate;
      bestPerSecond = m.figures().getLong("deliveries_per_s");
      rate *= factor;
    }
    if (unclean != null) {
      double lo = best;
      double hi = unclean;
      for (int i = 0; i < refine; i++) {
        cooldown();
        double mid = lo == 0 ? hi / 2 : (lo + hi) / 2;
        FanoutRunner.Measured m = runner.run(mid, step);
        boolean clean = clean(m, p99Limit);
        steps.add(row(mid, m, clean));
        if (clean) {
          lo = mid;
          best = mid;
          bestPerSecond = m.figures().getLong("deliveries_per_s");
        } else {
          hi = mid;
        }
      }
    }
    return new Climb(best, bestPerSecond, unclean == null, steps);
  }

  private static boolean clean(FanoutRunner.Measured m, double p99Limit) {
    JsonObject f = m.figures();
    return f.getDouble("delivery_p99_ms") <= p99Limit
        && f.getLong("lost") == 0
        && f.getLong("send_failures") == 0
        && f.getLong("unacked") == 0;
  }

  private static JsonObject row(double rate, FanoutRunner.Measured m, boolean clean) {
    JsonObject f = m.figures();
    return new JsonObject()
        .put("rate_msg_per_s", Math.round(rate))
        .put("clean", clean)
        .put("deliveries_per_s", f.getLong("deliveries_per_s"))
        .put("delivery_p99_ms", f.getDouble("delivery_p99_ms"))
        .put("ack_p99_ms", f.getDouble("ack_p99_ms"))
        .put("lost", f.getLong("lost"))
        .put("send_failures", f.getLong("send_failures"))
        .put("cpu_seconds", m.cpuSeconds());
  }

  /** After an unclean step the servers still work off its backlog: let them, before measuring again. */
  private static void cooldown() throws InterruptedException {
    Thread.sleep(5_000);
  }
}
