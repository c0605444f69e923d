package dev.parley.worker.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The worker's meters, named once. Prometheus names are in the README. */
public final class WorkerMetrics {
  private static final List<String> DEAD_LETTER_CAUSES =
      List.of("undecodable", "rejected", "dropped");

  private final MeterRegistry registry;
  private final Counter batches;
  private final Counter stored;
  private final Counter duplicates;
  private final Counter failures;
  private final DistributionSummary batchSize;
  private final Timer batchLatency;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong ackPending = new AtomicLong();
  private final Map<Integer, Long> lagByPartition = new ConcurrentHashMap<>();
  private final Map<Integer, Long> ackPendingByPartition = new ConcurrentHashMap<>();

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.batches =
        Counter.builder("parley.worker.batches")
            .description("Batches stored and acknowledged")
            .register(registry);
    this.stored =
        Counter.builder("parley.worker.messages.stored")
            .description("Messages newly inserted into Postgres")
            .register(registry);
    this.duplicates =
        Counter.builder("parley.worker.messages.duplicates")
            .description("Redelivered messages that were already stored")
            .register(registry);
    this.failures =
        Counter.builder("parley.worker.batch.failures")
            .description("Failed attempts to store a batch (each is retried)")
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("parley.worker.batch.size")
            .description("Stream entries per batch")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(10_000.0)
            .register(registry);
    this.batchLatency =
        Timer.builder("parley.worker.batch.latency")
            .description("From a batch closing to its commit, retries included")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("parley.worker.lag", lag, AtomicLong::get)
        .baseUnit("messages")
        .description("Stream entries not yet delivered to the persistence consumer")
        .register(registry);
    Gauge.builder("parley.worker.ack.pending", ackPending, AtomicLong::get)
        .baseUnit("messages")
        .description("Entries delivered to workers and not yet acknowledged")
        .register(registry);
    // at zero from the start, so an alert on their increase sees the first dead letter
    for (String cause : DEAD_LETTER_CAUSES) {
      registry.counter("parley.worker.dead.letters", "cause", cause);
    }
  }

  public void batchStored(int entries, int inserted, int duplicateCount, Duration latency) {
    batches.increment();
    batchSize.record(entries);
    stored.increment(inserted);
    duplicates.increment(duplicateCount);
    batchLatency.record(latency);
  }

  public void batchFailed() {
    failures.increment();
  }

  public void eventsSkipped(String type, int count) {
    registry.counter("parley.worker.events.skipped", "type", type).increment(count);
  }

  /**
   * An entry went to {@code dead_letters}. {@code cause}: {@code undecodable} (not readable),
   * {@code rejected} (Postgres refused it), or {@code dropped} (not even the dead letter could be
   * written).
   */
  public void deadLettered(String cause) {
    registry.counter("parley.worker.dead.letters", "cause", cause).increment();
  }

  /**
   * One partition's consumer position; the gauges add up every partition this worker reads (each
   * watched by its own poll).
   */
  public void consumerPosition(int partition, long pending, long unacked) {
    lagByPartition.put(partition, pending);
    ackPendingByPartition.put(partition, unacked);
    lag.set(lagByPartition.values().stream().mapToLong(Long::longValue).sum());
    ackPending.set(ackPendingByPartition.values().stream().mapToLong(Long::longValue).sum());
  }
}
