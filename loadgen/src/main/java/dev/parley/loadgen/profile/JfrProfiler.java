package dev.parley.loadgen.profile;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Profiles running server JVMs for the length of a benchmark with Java Flight Recorder: {@link
 * #start} begins a recording in each (through {@code jcmd}, so the servers need no special
 * flags), {@link #stopAndSummarise} ends them and reads each file into the top costs of that
 * process. Processes that are not JVMs (nats-server, postgres, redis-server) are skipped; a JVM
 * that refuses is reported with its error and does not stop the others.
 *
 * <p>Starting takes about a second of jcmd per process and the recording itself costs the server a
 * few percent (the JDK's {@code profile} settings: a Java sample every 10 ms per thread): start
 * before the measured window and stop after it. The {@code .jfr} files stay in the directory
 * given, for JDK Mission Control or {@code jfr print}.
 *
 * <p>Starting a recording makes a warm JVM compile much of its code again (measured on a gateway
 * at 200 msg/s: its C2 compiler thread used 6.8 s of CPU in the first 20 s of a recording, 0.1 s
 * in 15 s without one). {@link #beginWindow} lets that pass: what came before it is left out of
 * the summary, samples and thread CPU alike.
 */
public final class JfrProfiler {
  /** Deeper than JFR's default 64: Vert.x and Netty stacks often put Parley's frame below that. */
  private static final int STACK_DEPTH = 128;

  private final Jcmd jcmd;
  private final String recordingName;
  private final Map<String, Running> running;
  private final Map<String, Failed> failed;
  private Instant windowStart;
  private boolean stopped;

  private JfrProfiler(
      Jcmd jcmd, String recordingName, Map<String, Running> running, Map<String, Failed> failed) {
    this.jcmd = jcmd;
    this.recordingName = recordingName;
    this.running = running;
    this.failed = failed;
  }

  /**
   * Starts a recording named {@code parley-bench-<millis>} in every JVM of {@code
   * processesByName} (name → pid), written on stop to {@code <dir>/<name>.jfr}.
   */
  public static JfrProfiler start(Map<String, Long> processesByName, Path dir) throws IOException {
    Files.createDirectories(dir);
    Jcmd jcmd = Jcmd.locate();
    String recordingName = "parley-bench-" + System.currentTimeMillis();
    Map<String, Running> running = new LinkedHashMap<>();
    Map<String, Failed> failed = new LinkedHashMap<>();
    processesByName.forEach(
        (name, pid) -> {
          if (!isJvm(pid)) {
            return;
          }
          Path file = dir.resolve(name + ".jfr").toAbsolutePath();
          try {
            try {
              jcmd.run(pid, "Stack depth", "JFR.configure", "stackdepth=" + STACK_DEPTH);
            } catch (IOException e) {
              // a recorder already running keeps its depth: the summary reports truncated stacks
            }
            jcmd.run(
                pid,
                "Started recording",
                "JFR.start",
                "name=" + recordingName,
                "settings=profile",
                "filename=" + file);
            running.put(name, new Running(pid, file, Instant.now(), ThreadCpu.snapshot(pid)));
          } catch (IOException e) {
            failed.put(name, new Failed(pid, e.getMessage()));
          }
        });
    return new JfrProfiler(jcmd, recordingName, running, failed);
  }

  /**
   * Name → pid of the groups of {@code ServerProcesses.groups()} that are one JVM each: what
   * {@link #start} can profile.
   */
  public static Map<String, Long> javaProcesses(Map<String, long[]> groups) {
    Map<String, Long> out = new LinkedHashMap<>();
    groups.forEach(
        (name, pids) -> {
          if (pids.length == 1 && isJvm(pids[0])) {
            out.put(name, pids[0]);
          }
        });
    return out;
  }

  /**
   * Counts from now on: the summary leaves out the samples, events and thread CPU of the time
   * before (the recompilation that starting a recording causes).
   */
  public void beginWindow() {
    windowStart = Instant.now();
    running.replaceAll(
        (name, r) -> new Running(r.pid, r.file, windowStart, ThreadCpu.snapshot(r.pid)));
  }

  /** The processes being recorded, name → pid. */
  public Map<String, Long> profiled() {
    Map<String, Long> out = new LinkedHashMap<>();
    running.forEach((name, r) -> out.put(name, r.pid));
    return out;
  }

  /**
   * Stops every recording and returns, per process name, its summary: {@code pid}, {@code
   * seconds}, {@code recording} (the file), {@code execution_samples}, {@code hot_methods} and
   * {@code parley_frames} ({@code [{frame, samples, percent}]}, {@code topN} each), {@code
   * samples_in_parley_code_percent}, {@code truncated_stacks_percent}, {@code
   * samples_by_thread_group} ({@code [{group, samples, percent}]}), {@code
   * cpu_seconds_by_thread_group} ({@code [{group, cpu_seconds, percent}]}, from /proc, GC and JIT
   * included), {@code gc} ({@code collections, pause_total_ms, pause_max_ms, by_collector}), {@code
   * allocation_top} ({@code [{class, bytes, percent}]}) and {@code cpu_load}; or {@code {pid,
   * error}} for a process that could not be recorded.
   */
  public JsonObject stopAndSummarise(int topN) {
    if (stopped) {
      throw new IllegalStateException("the recordings were already stopped");
    }
    stopped = true;
    JsonObject out = new JsonObject();
    running.forEach((name, r) -> out.put(name, stop(r, topN)));
    failed.forEach(
        (name, f) -> out.put(name, new JsonObject().put("pid", f.pid).put("error", f.error)));
    return out;
  }

  private JsonObject stop(Running r, int topN) {
    JsonObject json = new JsonObject().put("pid", r.pid);
    ThreadCpu after = ThreadCpu.snapshot(r.pid);
    double seconds = Duration.between(r.started, Instant.now()).toMillis() / 1000.0;
    try {
      jcmd.run(r.pid, "Stopped recording", "JFR.stop", "name=" + recordingName);
      JsonObject summary = RecordingSummary.read(r.file, windowStart).toJson(topN);
      json.put("seconds", seconds).put("recording", r.file.toString());
      summary.forEach(
          e -> {
            json.put(e.getKey(), e.getValue());
            if (e.getKey().equals("samples_by_thread_group")) {
              json.put("cpu_seconds_by_thread_group", after.since(r.threadsAtStart));
            }
          });
    } catch (IOException | RuntimeException e) {
      json.put("error", e.getMessage());
    }
    return json;
  }

  /** A JVM by its executable or, when that link is unreadable, its command name. */
  static boolean isJvm(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      return Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString().equals("java");
    } catch (IOException | UnsupportedOperationException e) {
      try {
        return Files.readString(proc.resolve("comm")).trim().equals("java");
      } catch (IOException gone) {
        return false;
      }
    }
  }

  private record Failed(long pid, String error) {}

  private record Running(long pid, Path file, Instant started, ThreadCpu threadsAtStart) {}
}
