package dev.parley.worker.batch;

import dev.parley.worker.ops.WorkerMetrics;
import dev.parley.worker.ops.WorkerState;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one thread of work: take a batch from the stream, store it, ack it, repeat. It owns
 * the batch in hand; nothing else touches it. Runs on a dedicated thread because pulling from
 * JetStream and waiting out a Postgres outage both block.
 */
public final class FetchLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(FetchLoop.class);

  /** While failing, a warning this often: enough to see an outage go on, not one per retry. */
  static final Duration STILL_FAILING = Duration.ofSeconds(10);

  private final DeliverySource source;
  private final BatchAssembler assembler;
  private final BatchWriter writer;
  private final Backoff backoff;
  private final WorkerMetrics metrics;
  private final WorkerState state;
  private final StopSignal stop;
  private final Runnable afterAck;

  /** @param afterAck told each time a committed batch has been acked (the relay waits for that) */
  public FetchLoop(
      DeliverySource source,
      BatchAssembler assembler,
      BatchWriter writer,
      Backoff backoff,
      WorkerMetrics metrics,
      WorkerState state,
      StopSignal stop,
      Runnable afterAck) {
    this.afterAck = afterAck;
    this.source = source;
    this.assembler = assembler;
    this.writer = writer;
    this.backoff = backoff;
    this.metrics = metrics;
    this.state = state;
    this.stop = stop;
  }

  @Override
  public void run() {
    state.loopStarted();
    int failuresInARow = 0;
    long failingSince = 0;
    long lastWarned = 0;
    try {
      while (!stop.isStopped()) {
        state.beat();
        try {
          step();
          if (failuresInARow > 0) {
            log.info(
                "Fetch loop works again after {} failed attempts over {} ms",
                failuresInARow,
                Duration.ofNanos(System.nanoTime() - failingSince).toMillis());
            failuresInARow = 0;
          }
        } catch (AbandonedException e) {
          log.info(
              "Stopping with a batch not stored; it stays unacknowledged and the stream redelivers it");
          return;
        } catch (RuntimeException e) {
          // Pulling failed (NATS down, restarted, JetStream not answering yet) or a defect: the
          // batch in hand, if any, stays unacked and comes back after the ack wait; the next step
          // opens a new pull.
          metrics.batchFailed();
          long now = System.nanoTime();
          Duration wait = backoff.delay(++failuresInARow);
          if (failuresInARow == 1) {
            failingSince = now;
            lastWarned = now;
            log.warn(
                "Fetch loop failed: {}; nothing is stored until it works again, retrying every {} s at most",
                e.toString(),
                backoff.max().toSeconds(),
                e);
          } else if (now - lastWarned >= STILL_FAILING.toNanos()) {
            lastWarned = now;
            log.warn(
                "Fetch loop still failing after {} attempts over {} s: {}",
                failuresInARow,
                Duration.ofNanos(now - failingSince).toSeconds(),
                e.toString());
          } else {
            log.debug(
                "Fetch loop failed (attempt {}): {}; retrying in {} ms",
                failuresInARow,
                e.toString(),
                wait.toMillis());
          }
          if (stop.awaitStop(wait)) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      source.close();
      state.loopStopped();
      log.info("Fetch loop stopped");
    }
  }

  /** One batch through (or an idle poll when the stream has nothing). */
  private void step() throws AbandonedException, InterruptedException {
    List<Delivery> batch = assembler.next();
    if (batch.isEmpty()) {
      return;
    }
    writer.write(batch);
    // Only now, after the commit: an entry acked earlier could be lost with the transaction.
    for (Delivery d : batch) {
      d.ack();
    }
    afterAck.run();
  }
}
