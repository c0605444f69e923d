package dev.parley.worker.nats;

import dev.parley.worker.ops.WorkerMetrics;
import io.nats.client.ConsumerContext;
import io.nats.client.api.ConsumerInfo;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the persistence consumer's position every few seconds for the lag gauges. The call blocks,
 * so it runs on a worker thread; a failure is logged when it starts and when it ends, not every poll.
 */
public final class ConsumerWatch {
  private static final Logger log = LoggerFactory.getLogger(ConsumerWatch.class);

  private final Vertx vertx;
  private final ConsumerContext consumer;
  private final int partition;
  private final WorkerMetrics metrics;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicBoolean polling = new AtomicBoolean();
  private long timerId = -1;

  public ConsumerWatch(
      Vertx vertx, ConsumerContext consumer, int partition, WorkerMetrics metrics) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.partition = partition;
    this.metrics = metrics;
  }

  public void start(Duration every) {
    timerId = vertx.setPeriodic(0, every.toMillis(), id -> poll());
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void poll() {
    if (!polling.compareAndSet(false, true)) {
      return; // the previous poll is still waiting on the server
    }
    vertx
        .executeBlocking(consumer::getConsumerInfo, false)
        .onComplete(
            ar -> {
              polling.set(false);
              if (ar.succeeded()) {
                ConsumerInfo info = ar.result();
                metrics.consumerPosition(partition, info.getNumPending(), info.getNumAckPending());
                if (failing.compareAndSet(true, false)) {
                  log.info("Reading the persistence consumer's position works again");
                }
              } else if (failing.compareAndSet(false, true)) {
                log.warn(
                    "Reading the persistence consumer's position failed: {}",
                    ar.cause().toString());
              }
            });
  }
}
