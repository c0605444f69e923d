package dev.parley.loadgen;

import dev.parley.loadgen.persist.PersistScenario;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Every scenario the load generator knows, by name, in the order {@code --help} lists them. */
final class Scenarios {
  private final Map<String, Supplier<Scenario>> byName = new LinkedHashMap<>();

  Scenarios() {
    // One line per scenario: register(name, Constructor::new).
    register("fanout", dev.parley.loadgen.fanout.FanoutScenario::new);
    register("ramp", dev.parley.loadgen.ramp.RampScenario::new);
    register("idle", dev.parley.loadgen.idle.IdleScenario::new);
    register("biggroup", dev.parley.loadgen.biggroup.BigGroupScenario::new);
    register("persist", PersistScenario::new);
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
