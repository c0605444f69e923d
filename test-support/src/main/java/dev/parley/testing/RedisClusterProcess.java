package dev.parley.testing;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of a test run's own: three masters (no replicas), each a {@code redis-server}
 * process on a free port from {@value #FIRST_PORT} up (its cluster bus on the port + 10000), in a
 * temporary directory with no persistence, joined by {@code redis-cli --cluster create}. {@link
 * #close()} stops the processes it started (by their handles) and removes the directory.
 */
public final class RedisClusterProcess implements AutoCloseable {
  /** Where the search for free ports starts; the range 17000-17099 is set aside for it. */
  public static final int FIRST_PORT = 17000;

  private static final int LAST_PORT = 17099;
  private static final int MASTERS = 3;
  private static final Duration READY = Duration.ofSeconds(30);

  private final Path dir;
  private final List<Integer> ports;
  private final List<Process> processes = new ArrayList<>();
  private RedisClusterClient client;
  private StatefulRedisClusterConnection<String, String> connection;

  private RedisClusterProcess(Path dir, List<Integer> ports) {
    this.dir = dir;
    this.ports = ports;
  }

  /** Starts the three masters and forms the cluster; returns once every slot is served. */
  public static RedisClusterProcess start() throws IOException, InterruptedException {
    Path binary = find("redis-server");
    Path cli = find("redis-cli");
    RedisClusterProcess cluster =
        new RedisClusterProcess(Files.createTempDirectory("parley-redis-cluster-"), freePorts());
    try {
      cluster.launch(binary, cli);
      return cluster;
    } catch (IOException | RuntimeException | InterruptedException e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(Path binary, Path cli) throws IOException, InterruptedException {
    for (int port : ports) {
      Path home = Files.createDirectories(dir.resolve(Integer.toString(port)));
      processes.add(
          new ProcessBuilder(
                  binary.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  home.resolve("nodes.conf").toString(),
                  "--dir",
                  home.toString(),
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(home.resolve("redis.log").toFile())
              .start());
    }
    for (int port : ports) {
      awaitAnswer(cli, port, List.of("ping"), "PONG");
    }
    List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
    ports.forEach(p -> create.add("127.0.0.1:" + p));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Run formed = run(create);
    if (formed.exit != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed: " + formed.output);
    }
    for (int port : ports) {
      awaitAnswer(cli, port, List.of("cluster", "info"), "cluster_state:ok");
    }
  }

  /** The seed nodes, as {@code PARLEY_REDIS_URL} takes them with {@code PARLEY_REDIS_CLUSTER=true}. */
  public String url() {
    return ports.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Settings that point a process at this cluster (with the test's own key prefix kept). */
  public java.util.Map<String, String> settings() {
    return java.util.Map.of("PARLEY_REDIS_URL", url(), "PARLEY_REDIS_CLUSTER", "true");
  }

  /** Blocking cluster commands for a test's checks (multi-key commands are split by slot). */
  public synchronized RedisAdvancedClusterCommands<String, String> commands() {
    if (connection == null) {
      client =
          RedisClusterClient.create(
              ports.stream().map(p -> RedisURI.create("127.0.0.1", p)).toList());
      connection = client.connect();
    }
    return connection.sync();
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (connection != null) {
      connection.close();
      client.shutdown();
    }
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory left behind is no reason to fail a test run
    }
  }

  private void awaitAnswer(Path cli, int port, List<String> command, String expected)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(cli.toString(), "-p", Integer.toString(port)));
    args.addAll(command);
    long deadline = System.nanoTime() + READY.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a redis-server of the test cluster exited with "
                  + p.exitValue()
                  + "; its log is under "
                  + dir);
        }
      }
      Run r = run(args);
      if (r.output.contains(expected)) {
        return;
      }
      last = r.output;
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // polling, bounded by the deadline
    }
    throw new IllegalStateException(
        "redis on port " + port + " did not answer " + expected + " within " + READY + ": " + last);
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Run(-1, out + " (timed out)");
    }
    return new Run(p.exitValue(), out);
  }

  /** Three ports in 17000-17099 whose cluster bus ports are free too. */
  private static List<Integer> freePorts() {
    List<Integer> found = new ArrayList<>();
    for (int port = FIRST_PORT; port <= LAST_PORT && found.size() < MASTERS; port++) {
      if (free(port) && free(port + 10_000)) {
        found.add(port);
      }
    }
    if (found.size() < MASTERS) {
      throw new IllegalStateException(
          "no "
              + MASTERS
              + " free ports in "
              + FIRST_PORT
              + "-"
              + LAST_PORT
              + " for a Redis Cluster");
    }
    return found;
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path find(String name) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
        return Path.of(entry, name);
      }
    }
    throw new IllegalStateException(
        name
            + " not found on PATH: the Redis Cluster tests start their own (apt-get install redis-server)");
  }
}
