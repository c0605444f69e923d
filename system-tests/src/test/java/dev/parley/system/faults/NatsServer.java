package dev.parley.system.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A nats-server of the fault suite's own, with JetStream on a store directory of its own and a
 * spare port, so the suite can restart it without touching the NATS everyone else uses. It asks
 * for {@code sync_interval: always} (fsync of every write, the production setting); a server that
 * does not know the key (nats-server before 2.10, such as Debian 12's 2.9.10, answers
 * {@code unknown field "sync_interval"}) runs with its default instead, and {@link #syncSetting()}
 * says which one the run used.
 */
final class NatsServer implements AutoCloseable {
  private static final List<Path> WHERE =
      List.of(
          Path.of("/usr/sbin/nats-server"),
          Path.of("/usr/local/bin/nats-server"),
          Path.of("/usr/bin/nats-server"));

  private final Path binary;
  private final Path dir;
  private final int port;
  private boolean syncAlways = true;
  private Process process;
  private int starts;

  private NatsServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  static NatsServer start(Path dir) throws IOException, InterruptedException {
    NatsServer server = new NatsServer(findBinary(), dir, FreePorts.next());
    Files.createDirectories(dir);
    deleteTree(
        dir.resolve("store")); // a run starts from an empty store, whatever a killed run left

    server.launch();
    return server;
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  String syncSetting() {
    return syncAlways
        ? "sync_interval: always"
        : "the server's default sync (it does not know sync_interval)";
  }

  /** SIGTERM, wait for the exit, start again on the same port and store: a restart as an operator does it. */
  void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  private void launch() throws IOException, InterruptedException {
    Path log = dir.resolve("nats-server-" + (++starts) + ".log");
    process = spawn(log);
    String why = awaitReady(log);
    if (why != null && syncAlways && why.contains("unknown field \"sync_interval\"")) {
      syncAlways = false;
      log = dir.resolve("nats-server-" + (++starts) + ".log");
      process = spawn(log);
      why = awaitReady(log);
    }
    if (why != null) {
      throw new IllegalStateException("nats-server did not start: " + why);
    }
  }

  private Process spawn(Path log) throws IOException {
    Path conf = dir.resolve("nats.conf");
    String store = dir.resolve("store").toAbsolutePath().toString().replace("\"", "");
    Files.writeString(
        conf,
        "listen: \"127.0.0.1:"
            + port
            + "\"\n"
            + "jetstream {\n  store_dir: \""
            + store
            + "\"\n"
            + (syncAlways ? "  sync_interval: always\n" : "")
            + "}\n");
    return new ProcessBuilder(binary.toString(), "-c", conf.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Null once the server says it is ready; else the reason it is not (its log). */
  private String awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains("Server is ready")) {
        return null;
      }
      if (!process.isAlive()) {
        return text.isBlank() ? "exited with " + process.exitValue() : text.strip();
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return "not ready within 30 s";
  }

  private void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
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
