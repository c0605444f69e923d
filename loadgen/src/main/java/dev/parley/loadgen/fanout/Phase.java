package dev.parley.loadgen.fanout;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one stretch of paced sending measured: every delivery to every member connection (send →
 * receive), every ack (send → ack), what was lost, seen twice or out of order. Recorded from any
 * event loop at once, read by the scenario once the phase has drained.
 */
public final class Phase {
  final int id;
  final int membersPerGroup;
  public final Histogram delivery = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
  final Histogram ack = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
  public final LongAdder delivered = new LongAdder();
  final LongAdder duplicated = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder acked = new LongAdder();
  public final LongAdder sendFailures = new LongAdder();
  final AtomicLong sent = new AtomicLong();
  public volatile String firstFailure;
  volatile long firstSendNanos;
  volatile long lastSendNanos;

  Phase(int id, int membersPerGroup) {
    this.id = id;
    this.membersPerGroup = membersPerGroup;
  }

  void sent(long nanos) {
    if (sent.getAndIncrement() == 0) {
      firstSendNanos = nanos;
    }
    lastSendNanos = nanos;
  }

  void acked(long latencyNanos) {
    ack.recordValue(Math.max(0, latencyNanos));
    acked.increment();
  }

  void failed(Throwable why) {
    sendFailures.increment();
    if (firstFailure == null) {
      firstFailure = String.valueOf(why);
    }
  }

  long expected() {
    return sent.get() * membersPerGroup;
  }

  /** Every message reached every member and every send was answered. */
  boolean complete() {
    return delivered.sum() >= expected() && acked.sum() + sendFailures.sum() >= sent.get();
  }

  public long lost() {
    return Math.max(0, expected() - delivered.sum());
  }

  static double ms(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** The figures, each name prefixed (e.g. "floor_"). */
  JsonObject figures(String prefix, double seconds) {
    JsonObject f = new JsonObject();
    f.put(prefix + "sent", sent.get());
    f.put(prefix + "deliveries", delivered.sum());
    f.put(prefix + "deliveries_per_s", Math.round(delivered.sum() / Math.max(seconds, 1e-9)));
    f.put(prefix + "delivery_p50_ms", ms(delivery.getValueAtPercentile(50)));
    f.put(prefix + "delivery_p90_ms", ms(delivery.getValueAtPercentile(90)));
    f.put(prefix + "delivery_p99_ms", ms(delivery.getValueAtPercentile(99)));
    f.put(prefix + "delivery_max_ms", ms(delivery.getMaxValue()));
    f.put(prefix + "ack_p50_ms", ms(ack.getValueAtPercentile(50)));
    f.put(prefix + "ack_p99_ms", ms(ack.getValueAtPercentile(99)));
    f.put(prefix + "ack_max_ms", ms(ack.getMaxValue()));
    f.put(prefix + "lost", lost());
    f.put(prefix + "duplicated", duplicated.sum());
    f.put(prefix + "out_of_order", outOfOrder.sum());
    f.put(prefix + "send_failures", sendFailures.sum());
    f.put(prefix + "unacked", Math.max(0, sent.get() - acked.sum() - sendFailures.sum()));
    return f;
  }
}
