package dev.parley.gateway.stream;

import dev.parley.gateway.failure.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Waits, briefly, for the worker to store stream entries. A send is acknowledged once the stream
 * has it; its Postgres rows (the message, its attachments) follow milliseconds later. Reads do not
 * wait: they add what is not stored yet ({@link UnstoredMessages}). Two things still do:
 * a change that needs a message's row waits until that entry is stored ({@link #storedThrough});
 * and a lookup whose match may lie further back in the window than a read looks at waits until
 * the worker has stored what the stream held at the time of the call ({@link #readOnceStored}).
 * Either re-reads the ack floor until it passes its target, bounded by {@code maxWait}; past the
 * deadline the answer is 503 {@code unavailable} (retry): the thing may exist.
 */
public final class PersistedWrites {
  private static final long POLL_MS = 10;

  private final StreamClient stream;
  private final Duration maxWait;
  private final Counter waits;

  public PersistedWrites(StreamClient stream, Duration maxWait, MeterRegistry registry) {
    this.stream = stream;
    this.maxWait = maxWait;
    this.waits =
        Counter.builder("parley_message_lookup_waits_total")
            .description("lookups that waited for the worker to store recent stream entries")
            .register(registry);
  }

  /**
   * {@code read}'s answer; when it finds nothing (null), the answer of a second read once the
   * worker has stored what the stream held at the time of the call.
   */
  public <T> Future<T> readOnceStored(Supplier<Future<T>> read) {
    return read.get()
        .compose(
            found ->
                found != null
                    ? Future.succeededFuture(found)
                    : storedUpToNow().compose(v -> read.get()));
  }

  /** Completes once everything every partition held at the time of the call is in Postgres. */
  public Future<Void> storedUpToNow() {
    Context ctx = Vertx.currentContext();
    List<Future<Void>> partitions = new ArrayList<>();
    for (int i = 0; i < stream.partitions(); i++) {
      int partition = i;
      partitions.add(
          stream
              .persistencePosition(ctx, partition)
              .compose(
                  p ->
                      p.floor() >= p.last()
                          ? Future.succeededFuture()
                          : waitFor(ctx, partition, p.last())));
    }
    return Future.all(partitions).mapEmpty();
  }

  /**
   * Completes once the conversation's entry at {@code seq} (and every one before it in its
   * partition) is in Postgres: for a change to a message found in the stream, which needs its row.
   * Entries after it are not waited for.
   */
  public Future<Void> storedThrough(String conversationId, long seq) {
    Context ctx = Vertx.currentContext();
    int partition = stream.partitionOf(conversationId);
    return stream
        .persistedFloor(ctx, partition)
        .compose(floor -> floor >= seq ? Future.succeededFuture() : waitFor(ctx, partition, seq));
  }

  private Future<Void> waitFor(Context ctx, int partition, long target) {
    waits.increment();
    return awaitFloor(ctx, partition, target, System.nanoTime() + maxWait.toNanos());
  }

  private Future<Void> awaitFloor(Context ctx, int partition, long target, long deadline) {
    Promise<Void> tick = Promise.promise();
    ctx.owner().setTimer(POLL_MS, t -> tick.complete());
    return tick.future()
        .compose(v -> stream.persistedFloor(ctx, partition))
        .compose(
            floor -> {
              if (floor >= target) {
                return Future.succeededFuture();
              }
              if (System.nanoTime() > deadline) {
                return Future.failedFuture(
                    ApiException.unavailable(
                        "recent messages are still being stored, so this cannot be found yet; retry shortly",
                        null));
              }
              return awaitFloor(ctx, partition, target, deadline);
            });
  }
}
