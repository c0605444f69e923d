package dev.parley.loadgen.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real recording of a real JVM: a child process spins in a known method on a thread named like
 * an event loop; the profiler, through jcmd and JFR, must find that method on top.
 */
class JfrProfilerUnitTests {
  private static final String HOT = BusyLoop.class.getName() + ".spinForTheProfiler";

  @TempDir Path dir;
  private Process busy;
  private Process notJava;

  @BeforeEach
  void startChildren() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes =
        Path.of(BusyLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    busy =
        new ProcessBuilder(java, "-Xmx64m", "-cp", classes, BusyLoop.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(busy.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");
    notJava = new ProcessBuilder("sleep", "600").start();
  }

  @AfterEach
  void stopChildren() throws Exception {
    busy.getOutputStream().close();
    busy.destroy();
    busy.waitFor();
    notJava.destroy();
    notJava.waitFor();
  }

  @Test
  void findsTheHotMethodOnTheEventLoopAndSkipsProcessesThatAreNotJvms() throws Exception {
    Map<String, Long> processes = new LinkedHashMap<>();
    processes.put("busy", busy.pid());
    processes.put("sleeper", notJava.pid());

    JfrProfiler profiler = JfrProfiler.start(processes, dir);
    assertThat(profiler.profiled()).containsOnlyKeys("busy");
    awaitBusyLoopCpu(2.0);
    JsonObject summary = profiler.stopAndSummarise(5);

    assertThat(summary.fieldNames()).containsExactly("busy");
    JsonObject p = summary.getJsonObject("busy");
    assertThat(p.getString("error")).isNull();
    assertThat(p.getLong("pid")).isEqualTo(busy.pid());
    assertThat(Files.size(Path.of(p.getString("recording")))).isPositive();
    assertThat(p.getLong("execution_samples")).isGreaterThan(20);

    JsonObject hottest = p.getJsonArray("hot_methods").getJsonObject(0);
    assertThat(hottest.getString("frame")).isEqualTo(HOT);
    assertThat(hottest.getDouble("percent")).isGreaterThan(50.0);
    assertThat(column(p.getJsonArray("parley_frames"), "frame")).first().isEqualTo(HOT);
    assertThat(p.getDouble("samples_in_parley_code_percent")).isGreaterThan(50.0);

    assertThat(column(p.getJsonArray("samples_by_thread_group"), "group"))
        .first()
        .isEqualTo(ThreadGroups.EVENT_LOOPS);
    assertThat(eventLoopCpuSeconds(p.getJsonArray("cpu_seconds_by_thread_group")))
        .isGreaterThan(0.2);

    assertThat(column(p.getJsonArray("allocation_top"), "class")).contains("byte[]");
    assertThat(p.getJsonObject("gc").getLong("collections")).isNotNegative();

    assertThatThrownBy(() -> profiler.stopAndSummarise(5))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void leavesOutWhatCameBeforeTheWindow() throws Exception {
    JfrProfiler profiler = JfrProfiler.start(Map.of("busy", busy.pid()), dir);
    awaitBusyLoopCpu(2.0); // recorded, then left out
    profiler.beginWindow();
    long windowStarted = System.nanoTime();
    awaitBusyLoopCpu(1.0); // the window
    double windowSeconds = (System.nanoTime() - windowStarted) / 1e9;
    JsonObject p = profiler.stopAndSummarise(5).getJsonObject("busy");

    assertThat(p.getString("error")).isNull();
    // the window and the stop, not the 2 s before it
    assertThat(p.getDouble("seconds")).isBetween(windowSeconds - 0.1, windowSeconds + 0.9);
    // one spinning thread sampled every 10 ms: about 100 samples in the window, 300 in all
    assertThat(p.getLong("execution_samples")).isBetween(20L, 190L);
    assertThat(eventLoopCpuSeconds(p.getJsonArray("cpu_seconds_by_thread_group")))
        .isBetween(0.9, 1.9);
  }

  @Test
  void keepsOnlyTheGroupsThatAreOneJvm() {
    Map<String, long[]> groups = new LinkedHashMap<>();
    groups.put("gateway-1", new long[] {busy.pid()});
    groups.put("nats", new long[] {notJava.pid()});
    groups.put("postgres", new long[] {busy.pid(), notJava.pid()});
    groups.put("redis", new long[0]);

    assertThat(JfrProfiler.javaProcesses(groups)).containsOnly(Map.entry("gateway-1", busy.pid()));
  }

  /**
   * Returns once the child's spinning thread has used {@code seconds} of CPU from now: the
   * recording then holds that much of its work, however busy the machine is.
   */
  private void awaitBusyLoopCpu(double seconds) {
    ThreadCpu from = ThreadCpu.snapshot(busy.pid());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (eventLoopCpuSeconds(ThreadCpu.snapshot(busy.pid()).since(from)) < seconds) {
      assertThat(System.nanoTime()).as("the busy loop's CPU within 30 s").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** The event loops' CPU seconds in {@code [{group, cpu_seconds, percent}]}, 0 when absent. */
  private static double eventLoopCpuSeconds(JsonArray byGroup) {
    return byGroup.stream()
        .map(JsonObject.class::cast)
        .filter(g -> g.getString("group").equals(ThreadGroups.EVENT_LOOPS))
        .findFirst()
        .map(g -> g.getDouble("cpu_seconds"))
        .orElse(0.0);
  }

  private static List<String> column(JsonArray rows, String key) {
    return rows.stream()
        .map(JsonObject.class::cast)
        .map(r -> r.getString(key))
        .collect(Collectors.toList());
  }
}
