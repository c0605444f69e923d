package dev.parley.loadgen.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds per thread of one process, read from {@code /proc/<pid>/task}. Unlike JFR's
 * execution samples this counts the threads that run no Java code too (the collector, the
 * compiler, the VM thread), so two snapshots give each thread group's share of a window. A thread
 * that ends inside the window loses what it spent; one that starts inside it counts from zero.
 */
final class ThreadCpu {
  /** USER_HZ, the unit of utime and stime; 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** tid → (name, CPU seconds). */
  private final Map<Long, Map.Entry<String, Double>> threads;

  private ThreadCpu(Map<Long, Map.Entry<String, Double>> threads) {
    this.threads = threads;
  }

  static ThreadCpu snapshot(long pid) {
    Map<Long, Map.Entry<String, Double>> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(
          task -> {
            try {
              String stat = Files.readString(task.resolve("stat"));
              String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
              // fields after the name: state is [0], utime [11], stime [12]
              String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
              threads.put(Long.parseLong(task.getFileName().toString()), Map.entry(name, cpu));
            } catch (IOException | RuntimeException e) {
              // the thread ended between the listing and the read
            }
          });
    } catch (IOException e) {
      // the process is gone: nothing to charge
    }
    return new ThreadCpu(threads);
  }

  /**
   * CPU seconds spent since {@code before}, per thread group, largest first: {@code [{group,
   * cpu_seconds, percent}]}, percent of the process's total in the window.
   */
  JsonArray since(ThreadCpu before) {
    Map<String, Double> byGroup = new HashMap<>();
    double total = 0;
    for (Map.Entry<Long, Map.Entry<String, Double>> t : threads.entrySet()) {
      Map.Entry<String, Double> earlier = before.threads.get(t.getKey());
      double spent = t.getValue().getValue() - (earlier == null ? 0 : earlier.getValue());
      if (spent > 0) {
        byGroup.merge(ThreadGroups.of(t.getValue().getKey()), spent, Double::sum);
        total += spent;
      }
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    JsonArray out = new JsonArray();
    double all = total;
    sorted.forEach(
        (group, cpu) ->
            out.add(
                new JsonObject()
                    .put("group", group)
                    .put("cpu_seconds", Tally.round(cpu, 2))
                    .put("percent", Tally.round(100 * cpu / all, 1))));
    return out;
  }
}
