package dev.parley.loadgen;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar loadgen-all.jar <scenario> [key=value …] [--out DIR]}: runs one scenario
 * against the running cluster and writes its result file ({@code bench/results} by default).
 * Exit status: 0 when it ran (targets met or not: the file says), 1 when it could not run, 2 on
 * bad arguments.
 */
public final class LoadgenMain {
  private LoadgenMain() {}

  public static void main(String[] args) throws Exception {
    Scenarios scenarios = new Scenarios();
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.println("usage: loadgen <scenario> [key=value …] [--out DIR]");
      for (String name : scenarios.names()) {
        System.out.println("  " + scenarios.named(name).usage());
      }
      System.exit(args.length == 0 ? 2 : 0);
    }
    Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
    Path out = root.resolve("bench/results");
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        out = Path.of(args[++i]).toAbsolutePath();
      } else if (args[i].contains("=")) {
        params.put(
            args[i].substring(0, args[i].indexOf('=')),
            args[i].substring(args[i].indexOf('=') + 1));
      } else {
        System.err.println("loadgen: '" + args[i] + "' is not key=value");
        System.exit(2);
      }
    }
    Scenario scenario;
    try {
      scenario = scenarios.named(args[0]);
    } catch (IllegalArgumentException e) {
      System.err.println("loadgen: " + e.getMessage());
      System.exit(2);
      return;
    }
    RunSettings settings = new RunSettings(params, System.getenv(), root);
    Instant started = Instant.now();
    ScenarioResult result;
    try {
      result = scenario.run(settings);
    } catch (Exception e) {
      System.err.println("loadgen: " + scenario.name() + " could not run: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    Path file =
        new ResultFiles(out)
            .write(scenario.name(), settings.used(), started, Instant.now(), result);
    System.out.println(
        "loadgen: " + scenario.name() + " → " + root.relativize(file.toAbsolutePath()));
    System.exit(0);
  }
}
