package dev.parley.system.faults;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/** Samples both gateways' resident memory twice a second and keeps each one's peak. */
final class MemoryWatch implements AutoCloseable {
  private final AtomicLongArray peak = new AtomicLongArray(2);
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "memory-watch");
            t.setDaemon(true);
            return t;
          });

  private MemoryWatch(FaultCluster cluster) {
    sampler.scheduleAtFixedRate(
        () -> {
          for (int i = 0; i < 2; i++) {
            peak.accumulateAndGet(i, cluster.residentBytes(i), Math::max);
          }
        },
        0,
        500,
        TimeUnit.MILLISECONDS);
  }

  static MemoryWatch start(FaultCluster cluster) {
    return new MemoryWatch(cluster);
  }

  long peakMb(int gateway) {
    return peak.get(gateway) / (1024 * 1024);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
