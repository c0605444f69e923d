package dev.parley.loadgen.biggroup;

import dev.parley.loadgen.LoadgenSelf;
import dev.parley.loadgen.Progress;
import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.Scenario;
import dev.parley.loadgen.ScenarioResult;
import dev.parley.loadgen.fanout.FanoutRunner;
import dev.parley.loadgen.fanout.Fanouts;
import dev.parley.loadgen.fanout.ParleyFanout;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;

/**
 * {@code biggroup}: one group of B members, each connected once, spread over the gateways; its
 * owner sends at a low rate, and every member must get every message. The group is made with the
 * first 999 members and the rest added one by one before anyone connects.
 */
public final class BigGroupScenario implements Scenario {
  @Override
  public String name() {
    return "biggroup";
  }

  @Override
  public String usage() {
    return "biggroup    delivery latency to every member of one large group: members=10000"
        + " rate=2 seconds=20 warmup=5";
  }

  @Override
  public ScenarioResult run(RunSettings s) throws Exception {
    int members = s.integer("members", 10_000);
    double rate = s.decimal("rate", 2);
    Duration seconds = s.duration("seconds", Duration.ofSeconds(20));
    Duration warmup = s.duration("warmup", Duration.ofSeconds(5));
    ScenarioResult r = new ScenarioResult();
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
    LoadgenSelf self = new LoadgenSelf(vertx);
    try (ParleyFanout system = Fanouts.parley(vertx, s, false, List.of())) {
      FanoutRunner runner = new FanoutRunner(system, 1, members, self);
      Progress.say(
          "biggroup: a group of " + members + " members, then " + members + " connections");
      long start = System.nanoTime();
      system.open(members, 1, members, runner);
      double setupSeconds = (System.nanoTime() - start) / 1e9;
      Progress.say(
          "biggroup: set up in " + Math.round(setupSeconds) + " s; sending " + rate + " msg/s");
      runner.run(rate, warmup);
      self.mark();
      FanoutRunner.Measured m = runner.run(rate, seconds);
      self.report(r, "");
      Fanouts.parleyFigures(r, m, system.rssKib(), system.reconnects());
      r.figure("members", members).figure("setup_seconds", Math.round(setupSeconds));
      r.target(
          "delivery p99 to every member ≤ 200 ms",
          "delivery_p99_ms",
          m.figures().getDouble("delivery_p99_ms"),
          true,
          200);
      r.target("nothing lost", "lost", m.phase().lost(), true, 0);
      r.note(
          "connections alternate between the gateways; they do not resume from history (a"
              + " connection that dropped shows as lost deliveries and in reconnects)");
      Fanouts.limitsNote(r, s);
    } finally {
      self.close();
      vertx.close();
    }
    return r;
  }
}
