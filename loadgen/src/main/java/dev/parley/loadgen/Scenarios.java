package dev.parley.loadgen;

import dev.parley.loadgen.biggroup.BigGroupScenario;
import dev.parley.loadgen.fanout.FanoutScenario;
import dev.parley.loadgen.idle.IdleScenario;
import dev.parley.loadgen.persist.PersistScenario;
import dev.parley.loadgen.query.QueryScenario;
import dev.parley.loadgen.ramp.RampScenario;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Every scenario the load generator knows, by name, in the order {@code --help} lists them. */
final class Scenarios {
  private final Map<String, Supplier<Scenario>> byName = new LinkedHashMap<>();

  Scenarios() {
    // One line per scenario: register(name, Constructor::new).
    register("fanout", FanoutScenario::new);
    register("ramp", RampScenario::new);
    register("idle", IdleScenario::new);
    register("biggroup", BigGroupScenario::new);
    register("persist", PersistScenario::new);
    register("query", QueryScenario::new);
  }

  private void register(String name, Supplier<Scenario> scenario) {
    byName.put(name, scenario);
  }

  Scenario named(String name) {
    Supplier<Scenario> found = byName.get(name);
    if (found == null) {
      throw new IllegalArgumentException(
          "no scenario named '" + name + "'; known: " + String.join(", ", byName.keySet()));
    }
    return found.get();
  }

  Iterable<String> names() {
    return byName.keySet();
  }
}
