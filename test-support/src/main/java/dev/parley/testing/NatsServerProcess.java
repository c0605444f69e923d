package dev.parley.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A nats-server of a test's own: JetStream on a store directory of its own and a spare port, so a
 * test can stop, kill and restart it without touching the NATS everyone else uses. Restarts keep
 * the port and the store, as an operator's restart does.
 *
 * <p>{@link #startSyncingEveryWrite} asks for {@code sync_interval: always} (an fsync per write,
 * the production setting); a server that does not know the key (before 2.10, such as Debian 12's
 * 2.9.10, which answers {@code unknown field "sync_interval"}) then runs with its default, and
 * {@link #syncSetting()} says which one the run used.
 */
public final class NatsServerProcess implements AutoCloseable {
  private static final List<Path> WHERE =
      List.of(
          Path.of("/usr/sbin/nats-server"),
          Path.of("/usr/local/bin/nats-server"),
          Path.of("/usr/bin/nats-server"));

  private final Path binary;
  private final Path dir;
  private final int port;
  private boolean syncAlways;
  private Process process;
  private int starts;

  private NatsServerProcess(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server on an empty store under {@code dir} (whatever an earlier run left is deleted). */
  public static NatsServerProcess start(Path dir) throws IOException {
    return start(dir, false);
  }

  /** Like {@link #start}, asking for an fsync per write where the server knows the setting. */
  public static NatsServerProcess startSyncingEveryWrite(Path dir) throws IOException {
    return start(dir, true);
  }

  private static NatsServerProcess start(Path dir, boolean syncAlways) throws IOException {
    NatsServerProcess server = new NatsServerProcess(findBinary(), dir, sparePort());
    server.syncAlways = syncAlways;
    Files.createDirectories(dir);
    deleteTree(dir.resolve("store"));
    server.launch();
    return server;
  }

  /** The sync setting the server runs with, as a table header or a row's note says it. */
  public String syncSetting() {
    return syncAlways
        ? "sync_interval: always"
        : "the server's default sync (it does not know sync_interval)";
  }

  /** SIGTERM, wait for the exit, start again on the same port and store. */
  public void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** SIGTERM and wait for the exit: the server shuts JetStream down cleanly. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** SIGKILL: the server gets no chance to flush or close anything. */
  public void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Starts the server again on the same port and store; returns once it says it is ready. */
  public void launch() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("nats-server is still running");
    }
    String why = spawnAndAwaitReady();
    if (why != null && syncAlways && why.contains("unknown field \"sync_interval\"")) {
      syncAlways = false;
      why = spawnAndAwaitReady();
    }
    if (why != null) {
      throw new IllegalStateException("nats-server did not start: " + why);
    }
  }

  /** Null once the server says it is ready; else the reason it is not (its log). */
  private String spawnAndAwaitReady() throws IOException {
    Path log = dir.resolve("nats-server-" + (++starts) + ".log");
    Path conf = dir.resolve("nats.conf");
    String store = dir.resolve("store").toAbsolutePath().toString().replace("\"", "");
    Files.writeString(
        conf,
        "listen: \"127.0.0.1:"
            + port
            + "\"\njetstream {\n  store_dir: \""
            + store
            + "\"\n"
            + (syncAlways ? "  sync_interval: always\n" : "")
            + "}\n");
    process =
        new ProcessBuilder(binary.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains("Server is ready")) {
        return null;
      }
      if (!process.isAlive()) {
        return text.isBlank() ? "exited with " + process.exitValue() : text.strip();
      }
      LockSupport.parkNanos(
          Duration.ofMillis(50).toNanos()); // polling its log, bounded by the deadline
    }
    return "not ready within 30 s (see " + log + ")";
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int sparePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Path findBinary() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "nats-server"))) {
        return Path.of(entry, "nats-server");
      }
    }
    return WHERE.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "nats-server not found on PATH nor in /usr/sbin: run make services"));
  }
}
