package dev.parley.loadgen.persist;

import dev.parley.contract.stream.StreamLayout;
import io.nats.client.JetStreamManagement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * When was each entry stored? The persistence consumer's ack floor says: the worker acks an entry
 * only after its transaction committed, and every entry at or below the floor is acked. A thread
 * reads the floor every {@code interval} and keeps (time, floor); an entry counts as stored at the
 * first reading at or above it, which overstates its lag by at most one interval.
 */
final class AckFloorWatch implements AutoCloseable {
  private record Reading(long nanos, long floor) {}

  private final JetStreamManagement jsm;
  private final String stream;
  private final Duration interval;
  private final List<Reading> readings = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long latest;
  private volatile Exception failure;

  AckFloorWatch(JetStreamManagement jsm, String stream, Duration interval) throws Exception {
    this.jsm = jsm;
    this.stream = stream;
    this.interval = interval;
    this.latest = read();
    this.thread = new Thread(this::poll, "ack-floor-watch");
    thread.setDaemon(true);
    thread.start();
  }

  long read() throws Exception {
    return jsm.getConsumerInfo(stream, StreamLayout.PERSISTENCE_CONSUMER)
        .getAckFloor()
        .getStreamSequence();
  }

  private void poll() {
    while (!stopped) {
      try {
        long floor = read();
        long now = System.nanoTime();
        latest = floor;
        synchronized (readings) {
          readings.add(new Reading(now, floor));
        }
      } catch (Exception e) {
        failure = e;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Waits until the floor reaches {@code seq}; false if it did not within {@code limit}. */
  boolean awaitFloor(long seq, Duration limit, LongSupplier clock) throws Exception {
    long end = clock.getAsLong() + limit.toNanos();
    while (latest < seq) {
      if (clock.getAsLong() > end) {
        return false;
      }
      Thread.sleep(Math.max(1, interval.toMillis() / 2));
    }
    return true;
  }

  /** The time the floor first reached {@code seq}, or -1 if it never did. */
  long reachedAt(long seq) {
    synchronized (readings) {
      int lo = 0;
      int hi = readings.size() - 1;
      long found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (readings.get(mid).floor() >= seq) {
          found = readings.get(mid).nanos();
          hi = mid - 1;
        } else {
          lo = mid + 1;
        }
      }
      return found;
    }
  }

  /** Lag in µs of every recorded entry; those never stored are counted in {@code missing[0]}. */
  Histogram lags(Map<Long, Long> sentAt, long[] missing) {
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    sentAt.forEach(
        (seq, sent) -> {
          long stored = reachedAt(seq);
          if (stored < 0) {
            missing[0]++;
          } else {
            h.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(stored - sent)));
          }
        });
    return h;
  }

  Exception failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(5000);
  }
}
