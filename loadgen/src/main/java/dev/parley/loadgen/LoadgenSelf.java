package dev.parley.loadgen;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Whether the load generator itself was the limit: its own CPU, how late its event loops run a
 * timer (a loop busy with our own work delays every frame we read, and so every latency we
 * measure), and how late the pacer handed out sends compared with the schedule. Over the
 * thresholds below, the result says so ({@link ScenarioResult#limitedBy}).
 */
public final class LoadgenSelf {
  /** A loop or the pacer this late at the 99th percentile distorts latencies of a few ms. */
  private static final double LATE_P99_MS = 10;

  /** Taking more than this share of the machine leaves the server less than it would have. */
  private static final double CPU_SHARE = 0.5;

  private static final long TICK_MS = 50;

  private final Histogram loopLag = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(1), 2);
  private final Histogram pacing = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(1), 2);
  private final List<Long> timers = new ArrayList<>();
  private final Vertx vertx;
  private final int cores = Runtime.getRuntime().availableProcessors();
  private long cpuStart;
  private long wallStart;

  /** Starts a timer on each event loop (new event-loop contexts go round the loops). */
  public LoadgenSelf(Vertx vertx) {
    this.vertx = vertx;
    for (int i = 0; i < cores * 2; i++) {
      Context c = ((VertxInternal) vertx).createEventLoopContext();
      c.runOnContext(
          v -> {
            long[] last = {System.nanoTime()};
            synchronized (timers) {
              timers.add(
                  vertx.setPeriodic(
                      TICK_MS,
                      id -> {
                        long now = System.nanoTime();
                        loopLag.recordValue(
                            Math.max(0, now - last[0] - TimeUnit.MILLISECONDS.toNanos(TICK_MS)));
                        last[0] = now;
                      }));
            }
          });
    }
    mark();
  }

  /** Starts the measured stretch: CPU, lags and pacing are counted from here. */
  public void mark() {
    cpuStart = processCpuNanos();
    wallStart = System.nanoTime();
    loopLag.reset();
    pacing.reset();
  }

  public void pacingDelay(long nanos) {
    pacing.recordValue(Math.max(0, nanos));
  }

  /** Adds the figures, and a limitedBy line for each threshold passed since {@link #mark()}. */
  public void report(ScenarioResult result, String prefix) {
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    double share = cpu / Math.max(1e-9, wall * cores);
    double lagP99 = loopLag.getValueAtPercentile(99) / 1e6;
    double paceP99 = pacing.getValueAtPercentile(99) / 1e6;
    result
        .figure(prefix + "loadgen_cpu_s", round(cpu))
        .figure(prefix + "loadgen_cpu_share", round(share))
        .figure(prefix + "loadgen_loop_lag_p99_ms", round(lagP99))
        .figure(prefix + "loadgen_pacing_delay_p99_ms", round(paceP99));
    if (share > CPU_SHARE) {
      result.limitedBy(
          prefix
              + "load generator CPU: "
              + Math.round(share * 100)
              + "% of the machine's "
              + cores
              + " cores (over "
              + Math.round(CPU_SHARE * 100)
              + "%)");
    }
    if (lagP99 > LATE_P99_MS) {
      result.limitedBy(
          prefix + "load generator event loops late: p99 " + round(lagP99) + " ms (over 10 ms)");
    }
    if (paceP99 > LATE_P99_MS) {
      result.limitedBy(
          prefix + "pacing: sends went out p99 " + round(paceP99) + " ms late (over 10 ms)");
    }
  }

  public void close() {
    synchronized (timers) {
      timers.forEach(vertx::cancelTimer);
    }
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
