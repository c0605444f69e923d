package dev.parley.gateway.fanout;

import dev.parley.contract.stream.StreamHeaders;
import io.micrometer.core.instrument.Counter;
import io.nats.client.Message;
import io.vertx.core.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The hand-off of republished entries from the NATS dispatcher thread to the hub's event loop,
 * bounded: at most {@code max} entries wait for the event loop at once. Past that, a live copy is
 * dropped rather than queued, and the conversation is marked: the event loop then reads it back
 * from the stream where its delivery stands ({@link Resync}), so nothing is lost, only delivered
 * from the stream instead of live. Thread-safe: {@link #offer} runs on the dispatcher thread.
 */
final class Handoff {
  private final Context ctx;
  private final int max;
  private final BiConsumer<String, Message> deliver;
  private final BiConsumer<String, Long> dropped;
  private final Counter droppedCount;
  private final AtomicInteger pending = new AtomicInteger();

  /** Conversations with dropped copies, and the lowest sequence dropped of each (0: unknown). */
  private final Map<String, Long> missed = new ConcurrentHashMap<>();

  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  /**
   * @param deliver runs on {@code ctx} for each entry handed over
   * @param dropped runs on {@code ctx} for each conversation that had copies dropped, with the lowest sequence dropped
   */
  Handoff(
      Context ctx,
      int max,
      BiConsumer<String, Message> deliver,
      BiConsumer<String, Long> dropped,
      Counter droppedCount) {
    this.ctx = ctx;
    this.max = max;
    this.deliver = deliver;
    this.dropped = dropped;
    this.droppedCount = droppedCount;
  }

  /** On the dispatcher thread: hands the entry over, or drops it and marks its conversation. */
  void offer(String conversationId, Message msg) {
    if (pending.incrementAndGet() > max) {
      pending.decrementAndGet();
      droppedCount.increment();
      missed.merge(
          conversationId,
          sequenceOf(msg),
          (a, b) -> a == 0 || b == 0 ? Math.max(a, b) : Math.min(a, b));
      if (drainScheduled.compareAndSet(false, true)) {
        // one task however many were dropped: the queue stays bounded
        ctx.runOnContext(v -> drain());
      }
      return;
    }
    ctx.runOnContext(
        v -> {
          pending.decrementAndGet();
          deliver.accept(conversationId, msg);
        });
  }

  /** Entries waiting for the event loop now (a gauge). */
  int depth() {
    return pending.get();
  }

  private void drain() {
    drainScheduled.set(false);
    for (String conversationId : missed.keySet()) {
      Long from = missed.remove(conversationId);
      if (from != null) {
        dropped.accept(conversationId, from);
      }
    }
  }

  private static long sequenceOf(Message msg) {
    try {
      return Long.parseLong(msg.getHeaders().getFirst(StreamHeaders.SEQUENCE));
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
