package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The machine a result was measured on: a figure means little without it. */
final class Machine {
  private Machine() {}

  static JsonObject describe() {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("memory_gib", Math.round(totalMemoryKib() / 1024.0 / 1024.0 * 10) / 10.0)
        .put("cpu", firstMatching(Path.of("/proc/cpuinfo"), "model name"))
        .put("kernel", System.getProperty("os.version"))
        .put(
            "jdk",
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("nats_server", command("nats-server", "--version"))
        .put("postgres", command("psql", "--version"))
        .put("redis", command("redis-server", "--version"))
        .put(
            "load_generator_jvm",
            ManagementFactory.getRuntimeMXBean().getInputArguments().toString());
  }

  private static long totalMemoryKib() {
    String line = firstMatching(Path.of("/proc/meminfo"), "MemTotal");
    return line == null ? 0 : Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  private static String firstMatching(Path file, String prefix) {
    try {
      return Files.readAllLines(file).stream()
          .filter(l -> l.startsWith(prefix))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** The first line a version command prints, or "not found". */
  private static String command(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return out.isEmpty() ? "unknown" : out.lines().findFirst().orElse("unknown");
    } catch (IOException e) {
      return "not found";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
