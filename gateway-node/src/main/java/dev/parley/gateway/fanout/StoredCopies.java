package dev.parley.gateway.fanout;

import dev.parley.contract.wire.ChatMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The stored copies of recent messages as the stream republished them (with their prev_seq), and
 * the sends of this node waiting for theirs. A copy may arrive before or after the send's ack, so
 * recent ones are kept for a while. Owned by the hub's event loop, like the rest of its state.
 */
final class StoredCopies {
  private static final int RECENT_CAPACITY = 8192;

  private final Vertx vertx;
  private final Map<Long, Promise<ChatMessage>> waiters = new HashMap<>();
  private final LinkedHashMap<Long, ChatMessage> recent =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ChatMessage> eldest) {
          return size() > RECENT_CAPACITY;
        }
      };

  StoredCopies(Vertx vertx) {
    this.vertx = vertx;
  }

  void seen(ChatMessage stored) {
    recent.put(stored.seq(), stored);
    Promise<ChatMessage> waiter = waiters.remove(stored.seq());
    if (waiter != null) {
      waiter.tryComplete(stored);
    }
  }

  /** The stored copy of a recent message, or null when this node has not seen it (lately). */
  ChatMessage recent(long seq) {
    return recent.get(seq);
  }

  Future<ChatMessage> await(long seq, Duration timeout) {
    ChatMessage done = recent.get(seq);
    if (done != null) {
      return Future.succeededFuture(done);
    }
    Promise<ChatMessage> p = waiters.computeIfAbsent(seq, s -> Promise.promise());
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            t -> {
              Promise<ChatMessage> w = waiters.remove(seq);
              if (w != null) {
                w.tryFail(
                    new TimeoutException(
                        "stored copy of seq " + seq + " not seen within " + timeout));
              }
            });
    return p.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  void failAll(String reason) {
    waiters.values().forEach(p -> p.tryFail(reason));
    waiters.clear();
  }
}
