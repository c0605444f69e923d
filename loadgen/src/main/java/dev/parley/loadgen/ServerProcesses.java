package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server processes a run is charged for, found from {@code .run/<name>.pid} (Parley's own,
 * as {@code make run} starts them) and by command name (nats-server, postgres, redis-server), and
 * their CPU seconds and resident memory read from /proc. A snapshot before and after a run gives
 * each process's CPU for it.
 */
public final class ServerProcesses {
  /** USER_HZ: the unit of utime/stime in /proc/[pid]/stat; 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** name → pids: gateway-1, gateway-2, worker, presence, nats, postgres (all its backends), redis. */
  private final Map<String, long[]> groups;

  private ServerProcesses(Map<String, long[]> groups) {
    this.groups = groups;
  }

  public static ServerProcesses find(Path root) {
    Map<String, long[]> groups = new LinkedHashMap<>();
    Path runDir = root.resolve(".run");
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(runDir, "*.pid")) {
      for (Path pidFile : pids) {
        String name = pidFile.getFileName().toString().replace(".pid", "");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
          groups.put(name, new long[] {pid});
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no make-run processes: only the services are charged
    }
    groups.put("nats", pidsNamed("nats-server"));
    groups.put("postgres", pidsNamed("postgres"));
    groups.put("redis", pidsNamed("redis-server"));
    return new ServerProcesses(groups);
  }

  /**
   * A copy with one more group, {@code postgres:<database>}: the Postgres backends serving that
   * database now (their process title names it), so a run is charged for its own queries and not
   * for other clients of a shared server. Backends that connect later are not in it: take it after
   * the pools have opened.
   */
  public ServerProcesses withBackendsOf(String database) {
    Map<String, long[]> more = new LinkedHashMap<>(groups);
    String marker = " " + database + " ";
    more.put(
        "postgres:" + database,
        java.util.Arrays.stream(groups.getOrDefault("postgres", new long[0]))
            .filter(pid -> readCmdline(pid).contains(marker))
            .toArray());
    return new ServerProcesses(more);
  }

  /** A copy keeping only the groups whose name starts with one of the prefixes. */
  public ServerProcesses only(String... prefixes) {
    Map<String, long[]> kept = new LinkedHashMap<>();
    groups.forEach(
        (name, pids) -> {
          for (String p : prefixes) {
            if (name.startsWith(p)) {
              kept.put(name, pids);
            }
          }
        });
    return new ServerProcesses(kept);
  }

  public Map<String, long[]> groups() {
    return groups;
  }

  /** CPU seconds so far per group (a process that exited counts 0 from then on). */
  public Map<String, Double> cpuSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    groups.forEach(
        (name, pids) -> {
          double sum = 0;
          for (long pid : pids) {
            sum += cpuSecondsOf(pid);
          }
          out.put(name, sum);
        });
    return out;
  }

  /** Resident memory in KiB per group now. */
  public Map<String, Long> rssKib() {
    Map<String, Long> out = new LinkedHashMap<>();
    groups.forEach(
        (name, pids) -> {
          long sum = 0;
          for (long pid : pids) {
            sum += rssKibOf(pid);
          }
          out.put(name, sum);
        });
    return out;
  }

  /** Per group, CPU seconds spent between two snapshots of {@link #cpuSeconds()}. */
  public static JsonObject spent(Map<String, Double> before, Map<String, Double> after) {
    JsonObject out = new JsonObject();
    after.forEach((name, v) -> out.put(name, round(v - before.getOrDefault(name, 0.0))));
    return out;
  }

  public static double cpuSecondsOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name may hold spaces: fields are counted after its closing parenthesis
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  public static long rssKibOf(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  private static long[] pidsNamed(String comm) {
    try (var dirs = Files.list(Path.of("/proc"))) {
      return dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(d -> comm.equals(readComm(d)))
          .mapToLong(d -> Long.parseLong(d.getFileName().toString()))
          .toArray();
    } catch (IOException e) {
      return new long[0];
    }
  }

  private static String readCmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private static String readComm(Path procDir) {
    try {
      return Files.readString(procDir.resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
