package dev.parley.loadgen.fanout;

import dev.parley.loadgen.LoadgenSelf;
import dev.parley.loadgen.ServerProcesses;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paced sending against one {@link FanoutSystem}: phase after phase over the same connections, a
 * total rate spread evenly over the groups' senders, each phase measured on its own and drained
 * (every delivery in, or a grace period over) before the next. The pacer is one thread of its own:
 * it only hands sends to the connections' event loops, and measures how late it did so.
 */
public final class FanoutRunner implements Receiver.PhaseClock {
  /** What one phase measured, with the server CPU it cost. */
  public record Measured(Phase phase, double seconds, JsonObject cpuSeconds, JsonObject figures) {}

  private static final Duration DRAIN = Duration.ofSeconds(5);

  private final FanoutSystem system;
  private final int groups;
  private final int membersPerGroup;
  private final LoadgenSelf self;
  private final int[] nextN;
  private volatile Phase current;
  private int phases;

  public FanoutRunner(FanoutSystem system, int groups, int membersPerGroup, LoadgenSelf self) {
    this.system = system;
    this.groups = groups;
    this.membersPerGroup = membersPerGroup;
    this.self = self;
    this.nextN = new int[groups];
  }

  @Override
  public Phase current() {
    return current;
  }

  /** Sends at {@code ratePerSecond} messages a second for {@code duration}, then drains. */
  public Measured run(double ratePerSecond, Duration duration) {
    Phase phase = new Phase(++phases, membersPerGroup);
    java.util.Arrays.fill(nextN, 0);
    current = phase;
    Map<String, Double> cpuBefore = system.cpuSeconds();
    long start = System.nanoTime();
    long total = Math.round(ratePerSecond * duration.toNanos() / 1e9);
    double intervalNanos = 1e9 / ratePerSecond;
    for (long i = 0; i < total; i++) {
      long due = start + Math.round(i * intervalNanos);
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      self.pacingDelay(now - due);
      int group = (int) (i % groups);
      int n = nextN[group]++;
      phase.sent(now);
      system.send(group, Receiver.content(phase.id, group, n, now), phase);
    }
    long sendEnd = System.nanoTime();
    long deadline = sendEnd + DRAIN.toNanos();
    while (!phase.complete() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    Map<String, Double> cpuAfter = system.cpuSeconds();
    double seconds = (sendEnd - start) / 1e9;
    JsonObject figures = phase.figures("", seconds);
    return new Measured(phase, seconds, ServerProcesses.spent(cpuBefore, cpuAfter), figures);
  }
}
