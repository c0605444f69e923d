package dev.parley.system;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Parley process in its own JVM, so a test can kill it as {@code kill -9} would, or stop it with SIGTERM. */
final class ProcessNode implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ProcessNode(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ProcessNode start(String mainClass, Map<String, String> env, String name) {
    try {
      Path log = Files.createTempFile("parley-" + name + "-", ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass);
      // a null value removes a variable this JVM's own environment would pass on
      env.forEach((k, v) -> {
        if (v == null) {
          pb.environment().remove(k);
        } else {
          pb.environment().put(k, v);
        }
      });
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return new ProcessNode(pb.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + mainClass, e);
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or acknowledged. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The exit code once the process ends by itself within {@code timeout}; fails the test otherwise. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + ": " + logTail());
    }
    return process.exitValue();
  }

  /** SIGTERM, as an orchestrator stops a process: its shutdown hook runs. */
  void terminate() {
    process.destroy();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      String all = Files.readString(log);
      return all.substring(Math.max(0, all.length() - 3000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  File logFile() {
    return log.toFile();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
