package dev.parley.loadgen.profile;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads one JFR recording and keeps what a benchmark summary needs: where the Java samples were
 * (the hottest methods by self samples, and the first Parley frame on each stack, so a cost in
 * Netty or the NATS client is charged to the Parley code that caused it), which threads they ran
 * on, the collector's pauses, what was allocated most, and the JVM's CPU load.
 */
final class RecordingSummary {
  /** Parley's own code: the first frame in this package tree is the one a cost is charged to. */
  static final String PARLEY_PACKAGE = "dev.parley.";

  private final Tally selfFrames = new Tally();
  private final Tally parleyFrames = new Tally();
  private final Tally threadGroups = new Tally();
  private final Tally allocations = new Tally();
  private final Tally collectors = new Tally();
  private long samples;
  private long withParleyFrame;
  private long truncated;
  private long gcCount;
  private Duration gcPauseTotal = Duration.ZERO;
  private Duration gcPauseMax = Duration.ZERO;
  private double jvmLoadSum;
  private double machineLoadSum;
  private long loadEvents;

  private RecordingSummary() {}

  /** The events that started at or after {@code from} (all of them when it is null). */
  static RecordingSummary read(Path jfr, Instant from) throws IOException {
    RecordingSummary s = new RecordingSummary();
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (from == null || !e.getStartTime().isBefore(from)) {
          s.accept(e);
        }
      }
    }
    return s;
  }

  private void accept(RecordedEvent e) {
    switch (e.getEventType().getName()) {
      case "jdk.ExecutionSample" -> sample(e);
      case "jdk.GarbageCollection" -> {
        gcCount++;
        collectors.add(e.getString("name"), 1);
        Duration sum = e.getDuration("sumOfPauses");
        gcPauseTotal = gcPauseTotal.plus(sum);
        Duration longest = e.getDuration("longestPause");
        if (longest.compareTo(gcPauseMax) > 0) {
          gcPauseMax = longest;
        }
      }
      case "jdk.ObjectAllocationSample" ->
          // weight: the bytes this sample stands for, so the sums estimate bytes allocated
          allocations.add(readable(e.getClass("objectClass").getName()), e.getLong("weight"));
      case "jdk.CPULoad" -> {
        jvmLoadSum += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
        machineLoadSum += e.getFloat("machineTotal");
        loadEvents++;
      }
      default -> {
        // the profile settings record much more; a summary needs only the above
      }
    }
  }

  private void sample(RecordedEvent e) {
    samples++;
    RecordedThread thread = e.getThread("sampledThread");
    threadGroups.add(ThreadGroups.of(thread == null ? null : thread.getJavaName()), 1);
    RecordedStackTrace stack = e.getStackTrace();
    if (stack == null || stack.getFrames().isEmpty()) {
      selfFrames.add("(no stack)", 1);
      return;
    }
    if (stack.isTruncated()) {
      truncated++;
    }
    List<RecordedFrame> frames = stack.getFrames();
    selfFrames.add(name(frames.get(0)), 1);
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      // a lambda's generated class only forwards: the frame below it says whose code this is
      if (type.startsWith(PARLEY_PACKAGE) && !type.contains("$$Lambda")) {
        parleyFrames.add(name(f), 1);
        withParleyFrame++;
        return;
      }
    }
  }

  /** {@code Class.method}, the generated part of a lambda's class name dropped. */
  static String name(RecordedFrame f) {
    String type = f.getMethod().getType().getName().replaceAll("\\$\\$Lambda\\$.*", "\\$\\$Lambda");
    return type + "." + f.getMethod().getName();
  }

  /** {@code [B} as {@code byte[]}, {@code [Ljava.lang.String;} as {@code java.lang.String[]}. */
  static String readable(String className) {
    int dims = 0;
    while (dims < className.length() && className.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return className;
    }
    String element =
        switch (className.charAt(dims)) {
          case 'Z' -> "boolean";
          case 'B' -> "byte";
          case 'C' -> "char";
          case 'S' -> "short";
          case 'I' -> "int";
          case 'J' -> "long";
          case 'F' -> "float";
          case 'D' -> "double";
          default -> className.substring(dims + 1, className.length() - 1);
        };
    return element + "[]".repeat(dims);
  }

  /** The summary of this recording, each list its {@code topN} largest rows. */
  JsonObject toJson(int topN) {
    JsonObject json =
        new JsonObject()
            .put("execution_samples", samples)
            .put("hot_methods", selfFrames.top(topN, "frame", "samples", samples))
            .put("parley_frames", parleyFrames.top(topN, "frame", "samples", samples))
            .put("samples_in_parley_code_percent", percent(withParleyFrame, samples))
            .put("truncated_stacks_percent", percent(truncated, samples))
            .put("samples_by_thread_group", threadGroups.top(topN, "group", "samples", samples))
            .put(
                "gc",
                new JsonObject()
                    .put("collections", gcCount)
                    .put("pause_total_ms", Tally.round(gcPauseTotal.toNanos() / 1e6, 1))
                    .put("pause_max_ms", Tally.round(gcPauseMax.toNanos() / 1e6, 1))
                    .put("by_collector", collectors.top(topN, "collector", "count", gcCount)))
            .put("allocation_top", allocations.top(topN, "class", "bytes", allocations.total()));
    if (loadEvents > 0) {
      json.put(
          "cpu_load",
          new JsonObject()
              .put("jvm_percent_of_machine", Tally.round(100 * jvmLoadSum / loadEvents, 1))
              .put("machine_percent", Tally.round(100 * machineLoadSum / loadEvents, 1)));
    }
    return json;
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0.0 : Tally.round(100.0 * part / whole, 1);
  }
}
