package dev.parley.loadgen.fanout;

import dev.parley.loadgen.ServerProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor: the same fanout over a bare NATS server's WebSocket listener, core pub/sub only (no
 * auth, no storage, no JetStream): what moving the bytes costs, with nothing of a chat server on
 * top. The scenario starts its own {@code nats-server} and charges only that process's CPU. A
 * sender follows each PUB with a PING; the PONG is the floor's "ack" (the server has handled the
 * PUB), so ack latencies compare too.
 */
public final class NatsFloor implements FanoutSystem {
  private static final Duration SETUP = Duration.ofMinutes(2);

  private final Vertx vertx;
  private final String binary;
  private final List<String> localAddresses;
  private Process server;
  private Path dir;
  private int wsPort;
  private WebSocketClient[] sockets;
  private NatsWsConnection[] connections;
  private int membersPerGroup;
  private int connectionCount;

  public NatsFloor(Vertx vertx, String binary, List<String> localAddresses) {
    this.vertx = vertx;
    this.binary = binary;
    this.localAddresses = localAddresses.isEmpty() ? List.of("") : localAddresses;
  }

  @Override
  public String name() {
    return "floor";
  }

  private int member(int group, int j) {
    return (group * membersPerGroup + j) % connectionCount;
  }

  @Override
  public void open(int connections, int groups, int membersPerGroup, Receiver.PhaseClock clock)
      throws Exception {
    this.connectionCount = connections;
    this.membersPerGroup = membersPerGroup;
    startServer();
    sockets = new WebSocketClient[localAddresses.size()];
    for (int i = 0; i < sockets.length; i++) {
      WebSocketClientOptions o =
          new WebSocketClientOptions()
              .setMaxConnections(1_000_000)
              .setTryUsePerMessageCompression(false);
      if (!localAddresses.get(i).isEmpty()) {
        o.setLocalAddress(localAddresses.get(i));
      }
      sockets[i] = vertx.createWebSocketClient(o);
    }
    this.connections = new NatsWsConnection[connections];
    java.util.List<java.util.List<Integer>> groupsOf = new java.util.ArrayList<>();
    for (int i = 0; i < connections; i++) {
      groupsOf.add(new java.util.ArrayList<>());
    }
    for (int g = 0; g < groups; g++) {
      for (int j = 0; j < membersPerGroup; j++) {
        if (!groupsOf.get(member(g, j)).contains(g)) {
          groupsOf.get(member(g, j)).add(g);
        }
      }
    }
    Blocking.inWaves(
        connections,
        500,
        SETUP,
        i -> {
          NatsWsConnection c =
              new NatsWsConnection(
                  vertx, sockets[i % sockets.length], wsPort, new Receiver(clock), groupsOf.get(i));
          this.connections[i] = c;
          return c.open();
        });
  }

  private void startServer() throws Exception {
    int clientPort = freePort();
    wsPort = freePort();
    dir = Files.createTempDirectory("parley-floor");
    Path conf = dir.resolve("floor.conf");
    Files.writeString(
        conf,
        "port: "
            + clientPort
            + "\nhost: 127.0.0.1\nmax_connections: 1000000\n"
            + "websocket {\n  host: 127.0.0.1\n  port: "
            + wsPort
            + "\n  no_tls: true\n  compression: false\n}\n");
    server =
        new ProcessBuilder(binary, "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("floor.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!listening(wsPort)) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "nats-server did not start: " + Files.readString(dir.resolve("floor.log")));
      }
      Thread.sleep(50); // polling a child process's port: there is nothing to await
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void send(int group, String content, Phase phase) {
    connections[member(group, 0)].publish(group, content, phase);
  }

  @Override
  public Map<String, Double> cpuSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("floor-nats", ServerProcesses.cpuSecondsOf(server.pid()));
    return out;
  }

  @Override
  public Map<String, Long> rssKib() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("floor-nats", ServerProcesses.rssKibOf(server.pid()));
    return out;
  }

  @Override
  public int reconnects() {
    int n = 0;
    for (NatsWsConnection c : connections) {
      n += c == null ? 0 : c.closes();
    }
    return n;
  }

  @Override
  public void close() {
    if (sockets != null) {
      for (WebSocketClient s : sockets) {
        s.close();
      }
    }
    if (server != null) {
      server.destroy();
      try {
        server.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.destroyForcibly();
    }
  }
}
