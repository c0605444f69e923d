package dev.parley.loadgen.fanout;

import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.ScenarioResult;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** What the fanout scenarios (fanout, ramp, biggroup) share: set-up and CPU accounting. */
public final class Fanouts {
  public static final String NATS_SERVER = "/usr/sbin/nats-server";

  private Fanouts() {}

  public static ParleyFanout parley(
      io.vertx.core.Vertx vertx, RunSettings s, boolean follow, List<String> localAddresses) {
    return new ParleyFanout(
        vertx,
        s.gateways(),
        s.jwtSecret(),
        s.root(),
        Long.toString(System.currentTimeMillis(), 36),
        follow,
        localAddresses);
  }

  public static NatsFloor floor(io.vertx.core.Vertx vertx, RunSettings s) {
    return new NatsFloor(vertx, s.text("nats_server", NATS_SERVER), List.of());
  }

  /** Server CPU per delivery, in microseconds, by role; "server" is gateways + worker. */
  public static JsonObject cpuPerDelivery(JsonObject cpuSeconds, long deliveries) {
    double gateways = 0;
    JsonObject perRole = new JsonObject();
    for (Map.Entry<String, Object> e : cpuSeconds) {
      double v = ((Number) e.getValue()).doubleValue();
      if (e.getKey().startsWith("gateway")) {
        gateways += v;
      } else {
        perRole.put(e.getKey(), v);
      }
    }
    perRole.put("gateways", gateways);
    double worker = perRole.getDouble("worker", 0.0);
    perRole.put("server", gateways + worker);
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> e : perRole) {
      out.put(e.getKey(), micros(((Number) e.getValue()).doubleValue(), deliveries));
    }
    return out;
  }

  public static double micros(double seconds, long deliveries) {
    return deliveries == 0 ? 0 : Math.round(seconds / deliveries * 1e9) / 1000.0;
  }

  /** The figures of one measured phase of Parley, with CPU per delivery and RSS. */
  public static void parleyFigures(
      ScenarioResult r, FanoutRunner.Measured m, Map<String, Long> rssKib, int reconnects) {
    m.figures().forEach(e -> r.figure(e.getKey(), e.getValue()));
    JsonObject cpu = cpuPerDelivery(m.cpuSeconds(), m.phase().delivered.sum());
    cpu.forEach(e -> r.figure("cpu_us_per_delivery_" + e.getKey(), e.getValue()));
    rssKib.forEach((name, kib) -> r.figure("rss_mib_" + name, Math.round(kib / 102.4) / 10.0));
    r.figure("reconnects", reconnects);
    r.detail("cpu_seconds", m.cpuSeconds());
    if (m.phase().firstFailure != null) {
      r.note("first failed send: " + m.phase().firstFailure);
    }
  }

  public static void floorFigures(
      ScenarioResult r, FanoutRunner.Measured m, Map<String, Long> rssKib) {
    m.figures().forEach(e -> r.figure("floor_" + e.getKey(), e.getValue()));
    double cpu = m.cpuSeconds().getDouble("floor-nats", 0.0);
    r.figure("floor_cpu_us_per_delivery", micros(cpu, m.phase().delivered.sum()));
    r.figure("floor_rss_mib", Math.round(rssKib.getOrDefault("floor-nats", 0L) / 102.4) / 10.0);
  }

  /** What the bench script says it configured (rate and member limits), as a note. */
  public static void limitsNote(ScenarioResult r, RunSettings s) {
    r.note(
        "server limits: "
            + s.env(
                "PARLEY_BENCH_LIMITS",
                "as the running gateways were started (not set by scripts/bench.sh); the default"
                    + " 20 sends/s per user would refuse a benchmark's senders"));
  }
}
