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
 *
 * <p>A copy is known by its conversation and seq together: with {@code PARLEY_STREAM_PARTITIONS}
 * above 1 each partition's stream counts its own sequence, so two conversations can hold the same
 * seq at once, and a send must never be answered with the other one's message.
 */
final class StoredCopies {
  static final int RECENT_CAPACITY = 8192;

  /** One stored message: its conversation and the sequence of its stream. */
  private record Key(String conversationId, long seq) {}

  private final Vertx vertx;
  private final Map<Key, Promise<ChatMessage>> waiters = new HashMap<>();
  private final LinkedHashMap<Key, ChatMessage> recent =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ChatMessage> eldest) {
          return size() > RECENT_CAPACITY;
        }
      };

  StoredCopies(Vertx vertx) {
    this.vertx = vertx;
  }

  void seen(ChatMessage stored) {
    Key key = new Key(stored.conversationId(), stored.seq());
    recent.put(key, stored);
    Promise<ChatMessage> waiter = waiters.remove(key);
    if (waiter != null) {
      waiter.tryComplete(stored);
    }
  }

  /** The stored copy of a recent message, or null when this node has not seen it (lately). */
  ChatMessage recent(String conversationId, long seq) {
    return recent.get(new Key(conversationId, seq));
  }

  Future<ChatMessage> await(String conversationId, long seq, Duration timeout) {
    Key key = new Key(conversationId, seq);
    ChatMessage done = recent.get(key);
    if (done != null) {
      return Future.succeededFuture(done);
    }
    Promise<ChatMessage> p = waiters.computeIfAbsent(key, k -> Promise.promise());
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            t -> {
              Promise<ChatMessage> w = waiters.remove(key);
              if (w != null) {
                w.tryFail(
                    new TimeoutException(
                        "stored copy of seq "
                            + seq
                            + " in conversation "
                            + conversationId
                            + " not seen within "
                            + timeout));
              }
            });
    return p.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  void failAll(String reason) {
    waiters.values().forEach(p -> p.tryFail(reason));
    waiters.clear();
  }
}
