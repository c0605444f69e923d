package dev.parley.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A local S3-compatible server for the file tests: s3rver (npm), installed once into
 * {@code target/s3rver} with the distribution's npm, started on a free port from 19500 with a bucket
 * in a temporary directory, and stopped (by its process handle) with the directory removed. It
 * takes the access key {@code S3RVER} with the secret {@code S3RVER}.
 */
final class S3rverProcess implements AutoCloseable {
  static final String VERSION = "3.7.1";
  static final String ACCESS_KEY = "S3RVER";
  static final String SECRET_KEY = "S3RVER";

  private final Process process;
  private final Path data;
  private final int port;
  private final String bucket;

  private S3rverProcess(Process process, Path data, int port, String bucket) {
    this.process = process;
    this.data = data;
    this.port = port;
    this.bucket = bucket;
  }

  static S3rverProcess start(String bucket) throws IOException, InterruptedException {
    Path home = Path.of("target", "s3rver").toAbsolutePath();
    Path script = home.resolve("node_modules/s3rver/bin/s3rver.js");
    if (!Files.exists(script)) {
      Files.createDirectories(home);
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  home.toString(),
                  "s3rver@" + VERSION)
              .redirectErrorStream(true)
              .redirectOutput(home.resolve("npm-install.log").toFile())
              .start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(script)) {
        npm.destroyForcibly();
        throw new IllegalStateException(
            "npm install s3rver@" + VERSION + " failed: see " + home.resolve("npm-install.log"));
      }
    }
    int port = freePort();
    Path data = Files.createTempDirectory("parley-s3rver-");
    Process p =
        new ProcessBuilder(
                "node",
                script.toString(),
                "-d",
                data.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "--silent",
                "--configure-bucket",
                bucket)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("s3rver.log").toFile())
            .start();
    S3rverProcess server = new S3rverProcess(p, data, port, bucket);
    server.awaitListening();
    return server;
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  String bucket() {
    return bucket;
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "s3rver exited: " + Files.readString(data.resolve("s3rver.log")));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // polling, bounded by the deadline
      }
    }
    throw new IllegalStateException("s3rver did not listen on " + port + " within 30 s");
  }

  private static int freePort() {
    for (int port = 19500; port <= 19599; port++) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // the next one
      }
    }
    throw new IllegalStateException("no free port in 19500-19599 for s3rver");
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (var paths = Files.walk(data)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
