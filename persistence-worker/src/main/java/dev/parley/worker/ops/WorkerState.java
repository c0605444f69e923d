package dev.parley.worker.ops;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the fetch loop tells readiness: whether its last write to Postgres failed, and that it is
 * still turning. Written by the fetch thread, read by the readiness checks on the event loop.
 */
public final class WorkerState {
  private final LongSupplier nanoClock;
  private volatile Throwable postgresFailure;
  private volatile boolean loopRunning;
  private volatile long lastBeatNanos;

  public WorkerState(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastBeatNanos = nanoClock.getAsLong();
  }

  public void loopStarted() {
    loopRunning = true;
    beat();
  }

  public void loopStopped() {
    loopRunning = false;
  }

  /** The loop is alive: called at least once per idle poll, retry wait or write slice. */
  public void beat() {
    lastBeatNanos = nanoClock.getAsLong();
  }

  public void postgresFailed(Throwable cause) {
    postgresFailure = cause;
  }

  public void postgresOk() {
    postgresFailure = null;
  }

  /** The last write's failure, or null when it succeeded (or none failed yet). */
  public Throwable postgresFailure() {
    return postgresFailure;
  }

  /** Running and beat within {@code within}. */
  public boolean loopAlive(Duration within) {
    return loopRunning && nanoClock.getAsLong() - lastBeatNanos <= within.toNanos();
  }
}
