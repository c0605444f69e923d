package dev.parley.loadgen.fanout;

import dev.parley.loadgen.LoadgenSelf;
import dev.parley.loadgen.Progress;
import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.Scenario;
import dev.parley.loadgen.ScenarioResult;
import dev.parley.loadgen.ServerProcesses;
import dev.parley.loadgen.profile.JfrProfiler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * {@code fanout}: C connections over the gateways, G groups of K members each spanning every node,
 * one sender per group, a total of R messages a second for T seconds after a warm-up that is not
 * measured; every member connection (the sender's too) must get every message. Then the same
 * against the floor, a bare NATS server over WebSocket, and the ratios between the two.
 */
public final class FanoutScenario implements Scenario {
  @Override
  public String name() {
    return "fanout";
  }

  @Override
  public String usage() {
    return "fanout      delivery and ack latency, loss, CPU per delivery vs a bare-NATS floor:"
        + " connections=1000 groups=50 members=20 rate=200 seconds=20 warmup=30 floor=true"
        + " profile=10 (JFR seconds after the measured phase; 0: none)";
  }

  @Override
  public ScenarioResult run(RunSettings s) throws Exception {
    int groups = s.integer("groups", 50);
    int members = s.integer("members", 20);
    int connections = s.integer("connections", groups * members);
    double rate = s.decimal("rate", 200);
    Duration seconds = s.duration("seconds", Duration.ofSeconds(20));
    // Long enough for the JIT: a cold cluster's first minute is mostly compiling (the profile shows
    // the compiler threads using more CPU than the event loops), which is not how a server runs.
    Duration warmup = s.duration("warmup", Duration.ofSeconds(30));
    boolean withFloor = Boolean.parseBoolean(s.text("floor", "true"));
    Duration profileFor = s.duration("profile", Duration.ofSeconds(10));
    ScenarioResult r = new ScenarioResult();
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
    LoadgenSelf self = new LoadgenSelf(vertx);
    try {
      FanoutRunner.Measured parley;
      try (ParleyFanout system = Fanouts.parley(vertx, s, true, List.of())) {
        FanoutRunner runner = new FanoutRunner(system, groups, members, self);
        Progress.say("fanout: parley, opening " + connections + " connections");
        system.open(connections, groups, members, runner);
        Progress.say(
            "fanout: parley, warm-up "
                + warmup.toSeconds()
                + " s, then "
                + rate
                + " msg/s for "
                + seconds.toSeconds()
                + " s");
        runner.run(rate, warmup);
        self.mark();
        parley = runner.run(rate, seconds);
        self.report(r, "");
        Fanouts.parleyFigures(r, parley, system.rssKib(), system.reconnects());
        if (!profileFor.isZero()) {
          // After the measured phase, at the same rate: recording costs the servers a few percent,
          // which must not be in the figures above. Starting a recording sets off a burst of
          // recompilation in each JVM: the first profileFor lets it pass, the second is profiled.
          Progress.say(
              "fanout: parley, profiling the server JVMs for "
                  + profileFor.toSeconds()
                  + " s (JFR), after "
                  + profileFor.toSeconds()
                  + " s for the recording to settle");
          JfrProfiler jfr =
              JfrProfiler.start(
                  JfrProfiler.javaProcesses(ServerProcesses.find(s.root()).groups()),
                  s.root().resolve(".run/bench-profile"));
          runner.run(rate, profileFor);
          jfr.beginWindow();
          runner.run(rate, profileFor);
          r.detail("profile", jfr.stopAndSummarise(10));
        }
      }
      r.target("delivery p99 ≤ 5 ms", "delivery_p99_ms", fig(parley, "delivery_p99_ms"), true, 5);
      r.target("ack p99 ≤ 10 ms", "ack_p99_ms", fig(parley, "ack_p99_ms"), true, 10);
      r.target("nothing lost", "lost", parley.phase().lost(), true, 0);
      if (withFloor) {
        FanoutRunner.Measured floor;
        try (NatsFloor system = Fanouts.floor(vertx, s)) {
          FanoutRunner runner = new FanoutRunner(system, groups, members, self);
          Progress.say(
              "fanout: floor (bare nats-server over WebSocket), opening "
                  + connections
                  + " connections");
          system.open(connections, groups, members, runner);
          runner.run(rate, warmup);
          self.mark();
          floor = runner.run(rate, seconds);
          self.report(r, "floor_");
          Fanouts.floorFigures(r, floor, system.rssKib());
        }
        double parleyCpu =
            Fanouts.cpuPerDelivery(parley.cpuSeconds(), parley.phase().delivered.sum())
                .getDouble("server");
        double floorCpu =
            Fanouts.micros(
                floor.cpuSeconds().getDouble("floor-nats", 0.0), floor.phase().delivered.sum());
        double cpuRatio = floorCpu == 0 ? 0 : round(parleyCpu / floorCpu);
        double p99Ratio =
            fig(floor, "delivery_p99_ms") == 0
                ? 0
                : round(fig(parley, "delivery_p99_ms") / fig(floor, "delivery_p99_ms"));
        r.figure("cpu_per_delivery_vs_floor", cpuRatio);
        r.figure("delivery_p99_vs_floor", p99Ratio);
        r.target(
            "server CPU per delivery (gateways + worker) ≤ 2× the floor's",
            "cpu_per_delivery_vs_floor",
            cpuRatio,
            true,
            2);
      }
      Fanouts.limitsNote(r, s);
      r.note(
          "latency is send → receive on the same machine (System.nanoTime), the send time carried"
              + " in the content; CPU is the processes' own from /proc between the measured phase's"
              + " start and its drain; NATS, Postgres and Redis are shared services (other users of"
              + " them are charged too); the floor's ack is a PING answered after the PUB");
    } finally {
      self.close();
      vertx.close();
    }
    return r;
  }

  private static double fig(FanoutRunner.Measured m, String name) {
    JsonObject f = m.figures();
    return f.getDouble(name, 0.0);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
