package dev.parley.system;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Parley process in its own JVM, so a test can kill it as {@code kill -9} would, or stop it as
 * an orchestrator does ({@code SIGTERM}). It runs on this JVM's own class path: under failsafe
 * that is the reactor's freshly built classes (or the jar a manifest-only class path points to),
 * so the process runs exactly the code under test.
 */
public final class ProcessNode implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ProcessNode(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ProcessNode start(String mainClass, Map<String, String> env, String name) {
    return start(mainClass, env, name, List.of("-Xmx256m"));
  }

  /** Starts {@code mainClass} with {@code jvmOptions} (heap size and the like) and {@code env} added to ours. */
  public static ProcessNode start(
      String mainClass, Map<String, String> env, String name, List<String> jvmOptions) {
    try {
      Path log = Files.createTempFile("parley-" + name + "-", ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
      ProcessBuilder pb = new ProcessBuilder(command);
      // a null value removes a variable this JVM's own environment would pass on
      env.forEach(
          (k, v) -> {
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
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The exit code once the process ends by itself within {@code timeout}; fails the test otherwise. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + ": " + logTail());
    }
    return process.exitValue();
  }

  /** SIGTERM, without waiting: what an orchestrator sends before it would kill. */
  public void terminate() {
    process.destroy();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public String logTail() {
    try {
      String all = Files.readString(log);
      return all.substring(Math.max(0, all.length() - 3000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public File logFile() {
    return log.toFile();
  }

  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
