package dev.parley.loadgen.persist;

import dev.parley.contract.config.NatsSettings;
import io.nats.client.JetStreamManagement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The persistence consumers' ack floors of every stream partition, each watched by its own {@link
 * AckFloorWatch}: sequences are each partition's own, so "stored up to" is a floor per partition.
 */
final class Floors implements AutoCloseable {
  private final List<AckFloorWatch> watches = new ArrayList<>();

  Floors(JetStreamManagement jsm, NatsSettings nats, Duration interval) throws Exception {
    try {
      for (int i = 0; i < nats.partitions(); i++) {
        watches.add(new AckFloorWatch(jsm, nats.partition(i).streamName(), interval));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  int partitions() {
    return watches.size();
  }

  long read(int partition) throws Exception {
    return watches.get(partition).read();
  }

  /** Waits until every partition's floor reaches what the filler wrote to it. */
  boolean awaitStored(StreamFiller filler, Duration limit, LongSupplier clock) throws Exception {
    for (int i = 0; i < watches.size(); i++) {
      if (!watches.get(i).awaitFloor(filler.highestSeq(i), limit, clock)) {
        return false;
      }
    }
    return true;
  }

  /** Every partition's floor, for a message saying where they stand. */
  String describe() throws Exception {
    List<Long> out = new ArrayList<>();
    for (AckFloorWatch w : watches) {
      out.add(w.read());
    }
    return out.toString();
  }

  /** Lags in µs of every entry the filler recorded, all partitions together. */
  Histogram lags(StreamFiller filler, long[] missing) {
    Histogram all = null;
    for (int i = 0; i < watches.size(); i++) {
      Histogram h = watches.get(i).lags(filler.sentAt(i), missing);
      if (all == null) {
        all = h;
      } else {
        all.add(h);
      }
    }
    return all;
  }

  Exception failure() {
    for (AckFloorWatch w : watches) {
      if (w.failure() != null) {
        return w.failure();
      }
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    for (AckFloorWatch w : watches) {
      w.close();
    }
  }
}
