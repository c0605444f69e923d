package dev.parley.system.cluster;

import dev.parley.testing.TestSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cluster of {@code make cluster}, started and stopped by the operator's own script
 * (scripts/cluster.sh), on ports, a directory, a database and Redis keys of its own: what the
 * test proves is what an operator runs. Its address plan is the script's (PARLEY_CLUSTER_* in
 * scripts/env.sh).
 */
final class ClusterScript implements AutoCloseable {
  private final Path root;
  private final Path dir;
  private final int portBase;
  private final int natsPortBase;
  private final Map<String, String> env;

  private ClusterScript(Path root, Path dir, int portBase, int natsPortBase) {
    this.root = root;
    this.dir = dir;
    this.portBase = portBase;
    this.natsPortBase = natsPortBase;
    TestSettings services = TestSettings.system();
    this.env =
        Map.of(
            "PARLEY_CLUSTER_DIR", dir.toString(),
            "PARLEY_CLUSTER_PORT_BASE", Integer.toString(portBase),
            "PARLEY_CLUSTER_NATS_PORT_BASE", Integer.toString(natsPortBase),
            "PARLEY_CLUSTER_DATABASE", "parley_cluster_test",
            "PARLEY_CLUSTER_REDIS_KEY_PREFIX", "parley_cluster_test",
            "PARLEY_PG_HOST", services.pgHost(),
            "PARLEY_PG_PORT", Integer.toString(services.pgPort()),
            "PARLEY_PG_USER", services.pgUser(),
            "PARLEY_PG_PASSWORD", services.pgPassword(),
            "PARLEY_REDIS_URL", services.redisUrl());
  }

  /**
   * Starts a fresh cluster: its directory (NATS stores included) is removed first, so the script
   * also starts its database afresh.
   */
  static ClusterScript up(Path root, Path dir, int portBase, int natsPortBase)
      throws IOException, InterruptedException {
    ClusterScript cluster = new ClusterScript(root, dir, portBase, natsPortBase);
    cluster.run("down"); // a cluster left over by an interrupted run
    deleteTree(dir);
    try {
      cluster.run("up");
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** HAProxy: what clients connect to. */
  String url() {
    return "http://127.0.0.1:" + portBase;
  }

  /** The monitoring port of {@code nats-<n>} (1-based), as the script lays them out. */
  int monitorPort(int n) {
    return natsPortBase + 20 + n;
  }

  /** The pid of a process the script started ({@code nats-2}, {@code gateway-1}, …). */
  long pid(String name) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(name + ".pid")).trim());
  }

  Path logs() {
    return dir.resolve("logs");
  }

  private void run(String command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", root.resolve("scripts/cluster.sh").toString(), command))
            .directory(root.toFile())
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    // Copied line by line, not inherited: the forked test JVM's own stdout is failsafe's channel.
    try (BufferedReader out = p.inputReader()) {
      out.lines().forEach(System.out::println);
    }
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("scripts/cluster.sh " + command + " did not end in 5 min");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "scripts/cluster.sh "
              + command
              + " failed (exit "
              + p.exitValue()
              + "); logs: "
              + logs());
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("down");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
