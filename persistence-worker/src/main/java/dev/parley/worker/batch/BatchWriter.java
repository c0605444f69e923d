package dev.parley.worker.batch;

import dev.parley.contract.tracing.Tracing;
import dev.parley.worker.ops.WorkerMetrics;
import dev.parley.worker.ops.WorkerState;
import dev.parley.worker.store.BatchStore;
import dev.parley.worker.store.DeadLetter;
import dev.parley.worker.store.MessageRow;
import dev.parley.worker.store.PostgresFailures;
import dev.parley.worker.store.StoreBatch;
import dev.parley.worker.store.StoreResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one batch, whatever it takes, on the fetch thread (it blocks; never call it from an event
 * loop). A transient failure keeps the batch and retries with backoff, telling the stream the
 * entries are still being worked on so they are not handed to another worker meanwhile. A batch
 * Postgres refuses outright is stored entry by entry, and an entry refused on its own goes to
 * {@code dead_letters} byte for byte, with one ERROR line and a count, and is then acked: one bad
 * entry must not stall the stream, and none is dropped without a trace.
 */
public final class BatchWriter {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private final BatchStore store;
  private final EntryDecoder decoder;
  private final Backoff backoff;
  private final WorkerMetrics metrics;
  private final WorkerState state;
  private final StopSignal stop;
  private final Duration heartbeat;
  private final Tracing tracing;

  /** @param heartbeat how often held entries are reported in progress (well under the ack wait) */
  public BatchWriter(
      BatchStore store,
      EntryDecoder decoder,
      Backoff backoff,
      WorkerMetrics metrics,
      WorkerState state,
      StopSignal stop,
      Duration heartbeat) {
    this(store, decoder, backoff, metrics, state, stop, heartbeat, Tracing.off());
  }

  /** As above, each batch a span {@code worker store} when {@code tracing} is on (see BatchTrace). */
  public BatchWriter(
      BatchStore store,
      EntryDecoder decoder,
      Backoff backoff,
      WorkerMetrics metrics,
      WorkerState state,
      StopSignal stop,
      Duration heartbeat,
      Tracing tracing) {
    this.tracing = tracing;
    this.store = store;
    this.decoder = decoder;
    this.backoff = backoff;
    this.metrics = metrics;
    this.state = state;
    this.stop = stop;
    this.heartbeat = heartbeat;
  }

  /** Returns once everything in the batch is committed (stored, set aside or skipped): ack it then. */
  public StoreResult write(List<Delivery> batch) throws AbandonedException, InterruptedException {
    Span span = BatchTrace.start(tracing, batch);
    if (span == null) {
      return store(batch);
    }
    // current on this (fetch) thread while the batch is stored: its log lines carry the trace
    try (Scope ignored = span.makeCurrent()) {
      StoreResult result = store(batch);
      span.setAttribute("parley.store.inserted", (long) result.inserted());
      span.setAttribute("parley.store.duplicates", (long) result.duplicates());
      return result;
    } catch (AbandonedException | InterruptedException | RuntimeException e) {
      span.setStatus(StatusCode.ERROR, e.toString());
      throw e;
    } finally {
      span.end();
    }
  }

  private StoreResult store(List<Delivery> batch) throws AbandonedException, InterruptedException {
    long started = System.nanoTime();
    EntryDecoder.Decoded decoded = decoder.decode(batch);
    StoreResult result;
    try {
      result = decoded.store().isEmpty() ? StoreResult.NOTHING : attempt(decoded.store(), batch);
      report(decoded.store().deadLetters(), "undecodable");
    } catch (PoisonException e) {
      log.warn(
          "Postgres refused a batch of {} entries ({}); storing them one by one",
          batch.size(),
          PostgresFailures.describe(e.getCause()));
      result = oneByOne(decoded.store(), batch);
    }
    decoded.skippedEvents().forEach(metrics::eventsSkipped);
    metrics.batchStored(
        batch.size(),
        result.inserted(),
        result.duplicates(),
        Duration.ofNanos(System.nanoTime() - started));
    return result;
  }

  private StoreResult oneByOne(StoreBatch batch, List<Delivery> held)
      throws AbandonedException, InterruptedException {
    Map<Long, Delivery> bySeq = new HashMap<>();
    held.forEach(d -> bySeq.put(d.streamSeq(), d));
    StoreResult total = StoreResult.NOTHING;
    for (MessageRow row : batch.messages()) {
      try {
        total = total.plus(attempt(StoreBatch.of(row), held));
      } catch (PoisonException e) {
        DeadLetter d =
            decoder.deadLetter(
                bySeq.get(row.seq()), "rejected: " + PostgresFailures.describe(e.getCause()));
        total = total.plus(deadLetter(d, "rejected", held));
      }
    }
    for (DeadLetter d : batch.deadLetters()) {
      total = total.plus(deadLetter(d, "undecodable", held));
    }
    return total;
  }

  private StoreResult deadLetter(DeadLetter d, String cause, List<Delivery> held)
      throws AbandonedException, InterruptedException {
    try {
      StoreResult r = attempt(StoreBatch.of(d), held);
      report(List.of(d), cause);
      return r;
    } catch (PoisonException e) {
      // bytea and escaped text leave Postgres nothing to refuse; should it still, the stream keeps
      // the entry until its max age: the line says where to find it, never what it says
      log.error(
          "Dropping stream entry stream={} seq={} subject={} conversation={}: it could not be stored ({}) nor dead-lettered ({});"
              + " it stays in the stream until it ages out (nats stream get {} {})",
          d.stream(),
          d.streamSeq(),
          d.subject(),
          d.conversationId(),
          d.error(),
          PostgresFailures.describe(e.getCause()),
          d.stream(),
          d.streamSeq());
      metrics.deadLettered("dropped");
      return StoreResult.NOTHING;
    }
  }

  /** One ERROR line per dead letter: where it was and why, never its payload (message text). */
  private void report(List<DeadLetter> dead, String cause) {
    for (DeadLetter d : dead) {
      log.error(
          "Dead-lettered stream entry stream={} seq={} subject={} conversation={}: {}",
          d.stream(),
          d.streamSeq(),
          d.subject(),
          d.conversationId(),
          d.error());
      metrics.deadLettered(cause);
    }
  }

  /** Writes until it commits; only a poison failure or a stop ends the retries. */
  private StoreResult attempt(StoreBatch batch, List<Delivery> held)
      throws PoisonException, AbandonedException, InterruptedException {
    for (int n = 1; ; n++) {
      Throwable failure;
      try {
        StoreResult result = await(store.write(batch), held);
        state.postgresOk();
        return result;
      } catch (ExecutionException e) {
        failure = e.getCause() == null ? e : e.getCause();
      }
      if (PostgresFailures.isPoison(failure)) {
        throw new PoisonException(failure);
      }
      metrics.batchFailed();
      state.postgresFailed(failure);
      if (stop.isStopped()) {
        throw new AbandonedException();
      }
      Duration wait = backoff.delay(n);
      log.warn(
          "Storing {} stream entries failed (attempt {}): {}; retrying in {} ms",
          batch.size(),
          n,
          PostgresFailures.describe(failure),
          wait.toMillis());
      pause(wait, held);
    }
  }

  /** Waits for the write, keeping the held entries alive meanwhile. A stop lets it finish: it is bounded. */
  private <T> T await(Future<T> write, List<Delivery> held)
      throws ExecutionException, InterruptedException {
    CompletableFuture<T> result = write.toCompletionStage().toCompletableFuture();
    while (true) {
      try {
        return result.get(heartbeat.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        keepHeld(held);
      }
    }
  }

  private void pause(Duration wait, List<Delivery> held)
      throws AbandonedException, InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    keepHeld(held);
    for (long left = wait.toNanos(); left > 0; left = end - System.nanoTime()) {
      if (stop.awaitStop(Duration.ofNanos(Math.min(left, heartbeat.toNanos())))) {
        throw new AbandonedException();
      }
      keepHeld(held);
    }
  }

  private void keepHeld(List<Delivery> held) {
    state.beat();
    held.forEach(Delivery::inProgress);
  }

  /** Postgres refuses this data: retrying the same write cannot help. */
  private static final class PoisonException extends Exception {
    PoisonException(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
