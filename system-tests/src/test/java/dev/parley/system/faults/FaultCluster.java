package dev.parley.system.faults;

import dev.parley.system.ProcessNode;
import dev.parley.system.load.Gateways;
import dev.parley.testing.Await;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes one fault row runs: two gateways and a worker, each its own JVM (so a row can
 * kill -9 or SIGTERM it), reaching Postgres and Redis through the suite's {@link TcpProxy}s (so a
 * row can cut them) and the suite's own nats-server (so a row can restart it). Fresh processes for
 * every row, on the suite's one database and stream: a row starts from a healthy deployment
 * whatever the one before it did.
 */
final class FaultCluster implements AutoCloseable {
  static final String JWT_SECRET = "fault-suite-jwt-secret-0123456789abcdef";
  static final String GATEWAY_MAIN = "dev.parley.gateway.GatewayMain";
  static final String WORKER_MAIN = "dev.parley.worker.WorkerMain";

  /** A fixed heap, and death rather than a limp on running out of it: what "bounded memory" is measured against. */
  static final List<String> GATEWAY_JVM = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError");

  private final Map<String, String> common;
  private final String row;
  private final List<Integer> ports = new ArrayList<>();
  private final List<ProcessNode> gateways = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private ProcessNode worker;
  private int workerPort;
  private int workerStarts;

  private FaultCluster(Map<String, String> common, String row) {
    this.common = common;
    this.row = row;
  }

  static FaultCluster start(
      TestEnvironment env, TcpProxy postgres, TcpProxy redis, Path dir, String row)
      throws IOException {
    Map<String, String> common = new HashMap<>(env.baseEnv());
    common.put("PARLEY_PG_HOST", postgres.host());
    common.put("PARLEY_PG_PORT", Integer.toString(postgres.port()));
    common.put("PARLEY_REDIS_URL", "redis://" + redis.host() + ":" + redis.port());
    common.put("PARLEY_PROFILE", "dev");
    common.put("PARLEY_JWT_SECRET", JWT_SECRET);
    common.put("PARLEY_HTTP_INSTANCES", "1");
    common.put("PARLEY_WORKER_ACK_WAIT", "3s");
    common.put("PARLEY_FILES_DIR", Files.createDirectories(dir.resolve("files")).toString());
    // steady load sends faster than a person; the rate limit is not what these rows test
    common.put("PARLEY_SEND_RATE_PER_SECOND", "1000000");
    common.put("PARLEY_SEND_BURST", "1000000");
    FaultCluster cluster = new FaultCluster(common, row);
    try {
      cluster.workerPort = FreePorts.next();
      cluster.spawnWorker();
      for (int i = 0; i < 2; i++) {
        int port = FreePorts.next();
        cluster.ports.add(port);
        cluster.gateways.add(cluster.spawnGateway(i, port));
      }
      for (int i = 0; i < 2; i++) {
        cluster.awaitHealthy("gateway " + (i + 1), cluster.gateways.get(i), cluster.ports.get(i));
      }
      cluster.awaitWorker();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  Gateways gateways() {
    return new Gateways(ports);
  }

  int port(int gateway) {
    return ports.get(gateway);
  }

  ProcessNode gateway(int index) {
    return gateways.get(index);
  }

  /** Starts a worker and waits until it serves /health. */
  void startWorker() {
    spawnWorker();
    awaitWorker();
  }

  private void spawnWorker() {
    Map<String, String> env = new HashMap<>(common);
    env.put("PARLEY_NODE_ID", row + "-worker-" + (++workerStarts));
    env.put("PARLEY_HTTP_PORT", Integer.toString(workerPort));
    worker = ProcessNode.start(WORKER_MAIN, env, row + "-worker", List.of("-Xmx256m"));
  }

  /**
   * A worker that times out connecting while it starts (a loaded shared machine) exits rather than
   * wait: it is started again, four times at most. Its start is not what a row measures.
   */
  private void awaitWorker() {
    for (int tries = 1; ; tries++) {
      try {
        awaitHealthy("worker", worker, workerPort);
        return;
      } catch (IllegalStateException e) {
        if (tries == 5) {
          throw e;
        }
        System.out.println(
            "fault suite: worker did not start, starting it again: " + e.getMessage());
        spawnWorker();
      }
    }
  }

  void killWorker() throws InterruptedException {
    worker.kill();
  }

  /** Resident memory of a gateway process, from /proc (Linux): what the machine pays for it. */
  long residentBytes(int gateway) {
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(gateways.get(gateway).pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone
    }
    return 0;
  }

  /** The gateway's own count of open WebSocket connections ({@code parley_ws_connections}). */
  long openConnections(int gateway) {
    String metrics = get(ports.get(gateway), "/metrics");
    for (String line : metrics.split("\n")) {
      if (line.startsWith("parley_ws_connections")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException("no parley_ws_connections in /metrics of gateway " + gateway);
  }

  private ProcessNode spawnGateway(int index, int port) {
    Map<String, String> env = new HashMap<>(common);
    env.put("PARLEY_NODE_ID", row + "-gateway-" + (index + 1));
    env.put("PARLEY_HTTP_PORT", Integer.toString(port));
    return ProcessNode.start(GATEWAY_MAIN, env, row + "-gateway-" + (index + 1), GATEWAY_JVM);
  }

  private void awaitHealthy(String name, ProcessNode node, int port) {
    Await.until(
        () -> {
          if (!node.isAlive()) {
            throw new IllegalStateException(name + " exited: " + node.logTail());
          }
          try {
            get(port, "/health");
            return Boolean.TRUE;
          } catch (RuntimeException e) {
            return null;
          }
        },
        System.nanoTime() + Duration.ofSeconds(90).toNanos(),
        () -> name + " not healthy: " + node.logTail());
  }

  private String get(int port, String path) {
    try {
      HttpResponse<String> resp =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + resp.statusCode());
      }
      return resp.body();
    } catch (IOException e) {
      throw new IllegalStateException(path + " on :" + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    List<ProcessNode> all = new ArrayList<>(gateways);
    if (worker != null) {
      all.add(worker);
    }
    for (ProcessNode p : all) {
      try {
        p.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
