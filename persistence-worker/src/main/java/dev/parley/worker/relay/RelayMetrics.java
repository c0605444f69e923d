package dev.parley.worker.relay;

import dev.parley.contract.stream.StreamPartition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The relay's meters, named once. Prometheus names are in the module README. */
final class RelayMetrics {
  private final MeterRegistry registry;
  private final Counter batches;
  private final Counter failures;
  private final Counter terms;
  private final Timer batchLatency;
  private final Timer floorWait;
  private final AtomicLong leader = new AtomicLong();
  private final AtomicLong lastSeq = new AtomicLong();

  /**
   * @param partition the stream partition of this relay: its gauges carry it as the tag
   *     {@code partition} when there are several (counters and timers add up over partitions)
   */
  RelayMetrics(MeterRegistry registry, StreamPartition partition, int partitions) {
    Tags tags =
        partitions == 1 ? Tags.empty() : Tags.of("partition", Integer.toString(partition.index()));
    this.registry = registry;
    this.batches =
        Counter.builder("parley.relay.batches")
            .description("Batches published to the integrators' subjects and acknowledged")
            .register(registry);
    this.failures =
        Counter.builder("parley.relay.failures")
            .description(
                "Relay terms that ended on an error (the next term resumes from the ack floor)")
            .register(registry);
    this.terms =
        Counter.builder("parley.relay.terms")
            .description("Times this worker took the relay lease")
            .register(registry);
    this.batchLatency =
        Timer.builder("parley.relay.batch.latency")
            .description(
                "From a batch closing to its frames flushed to NATS, the wait for Postgres included")
            .publishPercentileHistogram()
            .register(registry);
    this.floorWait =
        Timer.builder("parley.relay.floor.wait")
            .description("Time a batch waited for the persistence consumer to store its messages")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("parley.relay.leader", leader, AtomicLong::get)
        .description("1 while this worker holds the relay lease")
        .tags(tags)
        .register(registry);
    Gauge.builder("parley.relay.last.seq", lastSeq, AtomicLong::get)
        .description("Stream sequence of the last entry this worker relayed")
        .tags(tags)
        .register(registry);
  }

  void published(String kind, int count) {
    registry.counter("parley.relay.published", "kind", kind).increment(count);
  }

  /** {@code already_relayed}, {@code undecodable} or {@code not_stored}. */
  void skipped(String reason, int count) {
    registry.counter("parley.relay.skipped", "reason", reason).increment(count);
  }

  void batch(long highestSeq, Duration latency) {
    batches.increment();
    batchLatency.record(latency);
    lastSeq.set(highestSeq);
  }

  void waitedForFloor(Duration wait) {
    floorWait.record(wait);
  }

  void leader(boolean holds) {
    leader.set(holds ? 1 : 0);
    if (holds) {
      terms.increment();
    }
  }

  void failed() {
    failures.increment();
  }
}
