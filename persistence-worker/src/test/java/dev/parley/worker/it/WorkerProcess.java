package dev.parley.worker.it;

import dev.parley.worker.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp <this JVM's classpath> dev.parley.worker.WorkerMain} with the given environment,
 * as a deployment runs it; its output goes to a file under {@code target/} for the assertions and
 * for whoever reads a failure.
 */
final class WorkerProcess {
  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static WorkerProcess start(Map<String, String> env, String name) throws IOException {
    return start(env, name, List.of());
  }

  /** With command-line arguments after the main class. */
  static WorkerProcess start(Map<String, String> env, String name, List<String> args)
      throws IOException {
    Path dir = Path.of("target", "worker-processes");
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new WorkerProcess(pb.start(), log);
  }

  /** SIGKILL: no shutdown hook, no goodbye, whatever was in flight is simply gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the shutdown hook runs. Returns the exit code, or -1 if it did not exit in time. */
  int terminate(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** The exit code, or -1 if still running after the wait. */
  int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() throws IOException {
    File f = log.toFile();
    return f.exists() ? Files.readString(log) : "";
  }

  void ensureStopped() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
